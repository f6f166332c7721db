package conversation

// The few sentences front ends need outside a conversation live here, so
// that they too come from the content catalogue in both languages.

// hintLang picks the language for a platform language code, English when
// the code is not one the bot speaks.
func hintLang(hint string) Lang {
	if l, ok := ParseLang(hint); ok {
		return l
	}
	return English
}

// GroupNotice is the reply in a group chat: the bot helps in private only,
// and link opens a private chat with it.
func (e *Engine) GroupNotice(hint, link string) Reply {
	l := hintLang(hint)
	return Reply{
		Text:  e.cat.UI(l, "group.private"),
		Links: []Link{{Title: e.cat.UI(l, "group.link"), URL: link}},
	}
}

// Command is a command a front end can advertise, such as Telegram's menu.
type Command struct {
	Name        string
	Description string
}

// Commands lists the commands worth advertising, described in l.
func (e *Engine) Commands(l Lang) []Command {
	var out []Command
	for _, name := range []string{"start", "menu", "help", "language", "mydata", "forget", "cancel"} {
		out = append(out, Command{Name: name, Description: e.cat.UI(l, "command.desc."+name)})
	}
	return out
}
