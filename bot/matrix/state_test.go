//go:build goolm

package matrix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStateFileRoundTripAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), StateFile)
	s, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	must(t, s.bind("@bot:example.org"))
	must(t, s.setDevice("DEV1"))
	must(t, s.SaveNextBatch(ctx, "", "s42"))
	must(t, s.commitNextBatch())
	must(t, s.SaveFilterID(ctx, "", "7"))
	must(t, s.setDM("@ana:example.org", "!a:example.org"))
	must(t, s.setDM("@ben:example.org", "!b:example.org"))

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	s2, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	p := s2.get()
	if p.DeviceID != "DEV1" || p.NextBatch != "s42" || p.FilterID != "7" || p.DMs["@ana:example.org"] != "!a:example.org" {
		t.Errorf("reloaded %+v", p)
	}
	must(t, s2.forgetRoom("!a:example.org", ""))
	if _, ok := s2.dmRoom("@ana:example.org"); ok {
		t.Error("room not forgotten")
	}
	must(t, s2.forgetRoom("!b:example.org", "@someone:example.org"))
	if _, ok := s2.dmRoom("@ben:example.org"); !ok {
		t.Error("forgetting another user's room dropped ben's")
	}
	// Another account must not inherit this one's device and rooms.
	must(t, s2.bind("@other:example.org"))
	if p := s2.get(); p.DeviceID != "" || p.NextBatch != "" || len(p.DMs) != 0 {
		t.Errorf("state kept for another account: %+v", p)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestDamagedStateFileIsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), StateFile)
	must(t, os.WriteFile(path, []byte("{not json"), 0o600))
	if _, err := loadState(path); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("err %v", err)
	}
}

func TestPickleKeyGeneratedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), PickleKeyFile)
	k1, err := pickleKey("", path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := pickleKey("", path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) < 32 {
		t.Errorf("keys %q %q", k1, k2)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if k, _ := pickleKey("configured", path); string(k) != "configured" {
		t.Errorf("configured key ignored: %q", k)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
