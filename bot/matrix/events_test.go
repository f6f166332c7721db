//go:build goolm

package matrix

import (
	"context"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

func TestDropHistory(t *testing.T) {
	f := &FrontEnd{cli: &mautrix.Client{UserID: "@bot:x"}}
	msg := func(id string) *event.Event {
		return &event.Event{ID: idOf(id), Type: event.EventMessage}
	}
	member := func(id, who, membership string) *event.Event {
		sk := who
		return &event.Event{ID: idOf(id), Type: event.StateMember, StateKey: &sk, Content: event.Content{Raw: map[string]any{"membership": membership}}}
	}
	timeline := func() []*event.Event {
		return []*event.Event{
			msg("old"), member("inv", "@bot:x", "invite"), msg("race"), member("join", "@bot:x", "join"), msg("new"),
		}
	}
	ids := func(evts []*event.Event) string {
		var s []string
		for _, e := range evts {
			s = append(s, strings.TrimPrefix(string(e.ID), "$"))
		}
		return strings.Join(s, ",")
	}
	for name, tc := range map[string]struct {
		since string
		evts  []*event.Event
		want  string
	}{
		"first sync keeps only state":     {"", timeline(), "inv,join"},
		"join keeps what followed invite": {"s1", timeline(), "inv,race,join,new"},
		"join without its invite":         {"s1", timeline()[2:], "join,new"},
		"already in the room":             {"s1", []*event.Event{msg("a"), msg("b")}, "a,b"},
	} {
		resp := &mautrix.RespSync{}
		resp.Rooms.Join = map[id.RoomID]*mautrix.SyncJoinedRoom{"!r:x": {}}
		resp.Rooms.Join["!r:x"].Timeline.Events = tc.evts
		f.dropHistory(context.Background(), resp, tc.since)
		if got := ids(resp.Rooms.Join["!r:x"].Timeline.Events); got != tc.want {
			t.Errorf("%s: kept %s, want %s", name, got, tc.want)
		}
	}
}

func idOf(s string) id.EventID { return id.EventID("$" + s) }

func TestMentionPattern(t *testing.T) {
	re := mentionPattern("@clavebot:example.org", "Clave Bot")
	for text, want := range map[string]bool{
		"Clave Bot: what is cl@ve":          true,
		"hey clave bot, help":               true,
		"@clavebot:example.org what is it":  true,
		"what is clave":                     false,
		"Clave Botany is a different thing": false,
	} {
		if got := re.MatchString(text); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
	f := &FrontEnd{mention: re}
	if got := f.stripMention("Clave Bot: /menu"); got != "/menu" {
		t.Errorf("strip: %q", got)
	}
	if got := f.stripMention("tell clave bot hi"); got != "tell clave bot hi" {
		t.Errorf("a mention inside the text is kept: %q", got)
	}
	if re := mentionPattern("@clavebot:example.org", ""); !re.MatchString("clavebot, hi") {
		t.Error("without a display name the localpart is the name")
	}
}
