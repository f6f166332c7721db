package conversation

import "github.com/clavebot/clavebot/conversation/understand"

// forgetFlow erases everything stored about the user, after a yes.
type forgetFlow struct{ baseFlow }

func init() { register(forgetFlow{}) }

func (forgetFlow) name() string       { return "forget" }
func (forgetFlow) commands() []string { return []string{"forget", "olvidar", "borrar"} }

func (f forgetFlow) start(t *turn) {
	t.setFlow("forget", "confirm")
	f.ask(t)
}

func (forgetFlow) ask(t *turn) {
	t.reply(t.ui("forget.confirm"), nil, t.buttons("a:forget:confirm:yes", "a:forget:confirm:no"))
}

func (forgetFlow) press(t *turn, _ string, value string) bool {
	switch value {
	case "yes":
		lang := t.lang
		*t.u = User{}
		t.lang = lang
		t.d.Forget = true
		t.reply(t.ui("forget.done"), nil, nil)
	case "no":
		t.endFlow()
		t.say(t.ui("forget.kept"))
		t.menu()
	default:
		return false
	}
	return true
}

func (f forgetFlow) reply(t *turn) bool {
	switch t.in.Answer {
	case understand.Yes:
		return f.press(t, "confirm", "yes")
	case understand.No:
		return f.press(t, "confirm", "no")
	}
	return false
}

func (forgetFlow) expect(*turn, string) understand.Expect { return understand.ExpectYesNo }
