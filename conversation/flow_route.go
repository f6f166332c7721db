package conversation

import "github.com/clavebot/clavebot/conversation/understand"

// routeFlow is the route chooser: a short interview that ends in one
// recommendation. Its answers are slots that any message may fill ("I have
// a TIE and no certificate"), so it asks only what it does not know yet.
type routeFlow struct{}

func init() { register(routeFlow{}) }

// The interview's questions, in the order they are asked. Each is asked
// only when its answer can still change the recommendation: a certificate
// ends it at once, and the document matters only for video identification.
var routeSteps = []string{"cert", "office", "doc", "address"}

// routeChoices are the answers each question accepts, as button values.
var routeChoices = map[string][]string{
	"cert":    {"yes", "no", "unsure"},
	"doc":     {"nie", "dni"},
	"office":  {"yes", "no"},
	"address": {"yes", "no", "unsure"},
}

func (routeFlow) name() string       { return "route" }
func (routeFlow) commands() []string { return []string{"route", "ruta"} }

func (f routeFlow) start(t *turn) {
	t.endFlow()
	t.setFlow("route", "cert")
	if t.in != nil {
		f.absorb(t)
	}
	f.next(t)
}

func (routeFlow) ask(t *turn) {
	step := t.u.Flow.Step
	if routeChoices[step] == nil {
		step = "cert"
	}
	t.setFlow("route", step)
	var data []string
	for _, v := range routeChoices[step] {
		data = append(data, "a:route:"+step+":"+v)
	}
	if step != "cert" {
		data = append(data, "nav:back")
	}
	data = append(data, "flow:menu")
	t.reply(t.ui("route.q."+step), nil, t.buttons(data...))
}

func (f routeFlow) press(t *turn, step, value string) bool {
	for _, c := range routeChoices[step] {
		if c == value {
			f.set(t, step, value)
			f.next(t)
			return true
		}
	}
	return false
}

// reply fills the slots the message speaks to, the current question's
// first, and moves on.
func (f routeFlow) reply(t *turn) bool {
	in := t.in
	step := t.u.Flow.Step
	filled := f.absorb(t)
	if _, ok := t.u.Flow.Answers[step]; !ok {
		v := ""
		switch {
		case step == "doc":
		case in.Answer == understand.Yes:
			v = "yes"
		case in.Answer == understand.No:
			v = "no"
		case in.Answer == understand.Unsure && step != "office":
			v = "unsure"
		case in.Acts.Has(understand.ActAck) && !in.Rest:
			v = "yes"
		}
		if v != "" {
			f.set(t, step, v)
			filled = true
		}
	}
	if in.Case.Document == understand.DocPassport && t.u.Flow.Answers["doc"] == "" {
		t.endFlow()
		t.answerTopic("no_nie")
		return true
	}
	if !filled {
		return false
	}
	f.next(t)
	return true
}

// absorb copies into the slots what the message says of the user's case.
func (f routeFlow) absorb(t *turn) bool {
	c := t.in.Case
	filled := false
	set := func(step, v string) {
		if v != "" {
			f.set(t, step, v)
			filled = true
		}
	}
	set("cert", triValue(c.Certificate))
	switch {
	case c.Document.HasNIE():
		set("doc", "nie")
	case c.Document == understand.DocDNI:
		set("doc", "dni")
	}
	if v := triValue(c.Office); v != "unsure" {
		set("office", v)
	}
	set("address", triValue(c.Address))
	return filled
}

func triValue(v understand.Tri) string {
	return map[understand.Tri]string{understand.TriYes: "yes", understand.TriNo: "no", understand.TriUnsure: "unsure"}[v]
}

func (routeFlow) set(t *turn, step, value string) {
	f := &t.u.Flow
	if f.Answers == nil {
		f.Answers = map[string]string{}
	}
	f.Answers[step] = value
	if step == "cert" && value == "unsure" {
		t.say(t.ui("route.cert_explained"))
	}
}

// next asks the first question not answered yet whose answer matters, or
// recommends.
func (f routeFlow) next(t *turn) {
	a := t.u.Flow.Answers
	if a["cert"] == "yes" {
		f.result(t, "certificate")
		return
	}
	for _, s := range routeSteps {
		if _, ok := a[s]; ok || !routeNeeds(a, s) {
			continue
		}
		t.setFlow("route", s)
		f.ask(t)
		return
	}
	f.result(t, recommendRoute(a))
}

// routeNeeds reports whether question step can still change the outcome
// given the answers so far.
func routeNeeds(a map[string]string, step string) bool {
	switch step {
	case "office":
		return a["address"] != "yes"
	case "doc":
		// Only video identification depends on it, and only when
		// neither the letter nor an office will do.
		return a["office"] != "yes" && a["address"] != "yes"
	}
	return true
}

func (routeFlow) back(t *turn) {
	fl := &t.u.Flow
	for i, s := range routeSteps {
		if s == fl.Step && i > 0 {
			delete(fl.Answers, routeSteps[i-1])
			t.setFlow("route", routeSteps[i-1])
			routeFlow{}.ask(t)
			return
		}
	}
	t.endFlow()
	t.menu()
}

func (routeFlow) expect(_ *turn, step string) understand.Expect {
	if step == "doc" {
		return understand.ExpectDocument
	}
	return understand.ExpectYesNo
}

// recommendRoute picks one registration route from the interview answers.
// A certificate is fastest and gives the advanced level; the letter needs a
// tax address that works; an office needs nothing but an appointment; video
// identification is, for now, only for Spanish DNI holders.
func recommendRoute(a map[string]string) string {
	switch {
	case a["cert"] == "yes":
		return "certificate"
	case a["address"] == "yes":
		return "letter"
	case a["office"] == "yes":
		return "in_person"
	case a["doc"] == "dni":
		return "video"
	}
	return "address_first"
}

// routeFollowUps are the buttons after each recommendation.
var routeFollowUps = map[string][]string{
	"certificate":   {"topic:certificate_route", "flow:checklist", "flow:registered"},
	"letter":        {"topic:letter_request", "flow:letter", "flow:checklist"},
	"in_person":     {"topic:in_person", "flow:checklist", "topic:tax_address"},
	"video":         {"topic:video_id", "topic:in_person", "topic:tax_address"},
	"address_first": {"topic:tax_address", "topic:in_person", "topic:letter_request"},
}

// routeTopics are the topics that explain each recommended route.
var routeTopics = map[string]string{"certificate": "certificate_route", "letter": "letter_request", "in_person": "in_person",
	"video": "video_id", "address_first": "tax_address"}

func (routeFlow) result(t *turn, route string) {
	a := t.u.Flow.Answers
	t.u.Route = route
	if v := a["cert"]; v == "yes" || v == "no" {
		t.u.Certificate = v
	}
	if v := a["doc"]; v != "" && t.u.Document == "" {
		t.u.Document = v
	}
	t.d.Topic = routeTopics[route]
	t.endFlow()
	text := t.ui("route.result." + route)
	if route == "letter" && a["office"] == "yes" {
		text += "\n\n" + t.ui("route.also_office")
	}
	data := append(append([]string{}, routeFollowUps[route]...), "flow:route", "flow:menu")
	t.reply(text, nil, t.buttons(data...))
	if route == "letter" {
		t.u.LetterTalk = true
	}
}

// registerTopics are the topics of a question about how to register.
var registerTopics = map[string]bool{
	"routes": true, "certificate_route": true, "who_can_register": true, "requirements": true, "letter_request": true,
	"in_person": true, "video_id": true, "what_is_clave": true,
}

// routeFromCase answers a message outside any flow that tells enough of
// the user's case to recommend a route ("I have the electronic DNI, how do
// I get Cl@ve?") by opening the route chooser with what it says.
func (t *turn) routeFromCase() bool {
	in := t.in
	c := in.Case
	known := 0
	for _, v := range []understand.Tri{c.Certificate, c.Office, c.Address} {
		if v == understand.TriYes || v == understand.TriNo {
			known++
		}
	}
	aboutRegistering := in.HowToRegister || in.Has(understand.RequestFlow)
	if !(aboutRegistering && known >= 1 || known >= 2) {
		return false
	}
	routeFlow{}.start(t)
	if t.u.Flow.Name == "route" && in.HowToRegister {
		// Still a question to ask: answer theirs first, in short.
		last := len(t.d.Replies) - 1
		question := t.d.Replies[last]
		t.d.Replies = t.d.Replies[:last]
		if tp := t.e.cat.Topic("routes"); tp != nil {
			t.say(tp.Short.In(t.lang))
		}
		t.d.Replies = append(t.d.Replies, question)
	}
	return true
}
