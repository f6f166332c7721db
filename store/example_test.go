package store_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

func ExampleDB_Update() {
	dir, err := os.MkdirTemp("", "clavebot-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := store.Open(filepath.Join(dir, "clavebot.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// A user ticks an item of the checklist; the first message creates them.
	tick := func(u *conversation.User, exists bool) (forget bool, err error) {
		if !exists {
			u.Lang = conversation.Spanish
		}
		if u.Checklist == nil {
			u.Checklist = map[string]bool{}
		}
		u.Checklist["support_number"] = true
		return false, nil
	}
	if err := db.Update("tg:123456", tick); err != nil {
		log.Fatal(err)
	}
	u, exists, err := db.User("tg:123456")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exists, u.Lang, u.Checklist)

	// /forget erases the user in the same kind of transaction.
	forget := func(*conversation.User, bool) (bool, error) { return true, nil }
	if err := db.Update("tg:123456", forget); err != nil {
		log.Fatal(err)
	}
	_, exists, err = db.User("tg:123456")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exists)
	// Output:
	// true es map[support_number:true]
	// false
}
