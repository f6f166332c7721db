package understand

import (
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

func TestDebugMatch(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	cat, _ := content.Load()
	ip := New(cat.Topics())
	for _, s := range strings.Split(q, "|") {
		r := read(s)
		res := ip.m.matchWords(r.norm, nil, "")
		cands, v := calibrate(res)
		t.Logf("%q raw=%+v dom=%d", s, res.Candidates, res.Domain)
		t.Logf("   calibrated=%+v verdict=%d", cands, v)
		in := ip.Interpret(s, Context{LastTopic: os.Getenv("LAST"), Today: Date{Year: 2026, Month: 11, Day: 10}})
		t.Logf("   interp: acts=%b answer=%d outcome=%d progress=%v case=%+v req=%+v topics=%v verdict=%d rest=%v", in.Acts, in.Answer, in.Outcome, in.Progress, in.Case, in.Requests, in.Topics, in.Verdict, in.Rest)
	}
}
