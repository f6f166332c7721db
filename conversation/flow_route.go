package conversation

import "strings"

// The route chooser asks these in order; a certificate ends it early.
var routeSteps = []string{"cert", "doc", "office", "address"}

// routeChoices are the answers each question accepts, as button values.
var routeChoices = map[string][]string{
	"cert":    {"yes", "no", "unsure"},
	"doc":     {"nie", "dni"},
	"office":  {"yes", "no"},
	"address": {"yes", "no", "unsure"},
}

func (t *turn) routeAsk(step string) {
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

func (t *turn) routeText(step, text string) bool {
	v := yesNo(text)
	if step == "doc" {
		v = docKind(text)
	}
	for _, c := range routeChoices[step] {
		if c == v {
			return t.routeAnswer(step, v)
		}
	}
	return false
}

// docKind reads which identity document a user has from free text.
func docKind(text string) string {
	words := " " + plainWords(text) + " "
	switch {
	case strings.Contains(words, " nie ") || strings.Contains(words, " tie ") ||
		strings.Contains(words, "foreign") || strings.Contains(words, "extranjer") ||
		strings.Contains(words, "residen") || strings.Contains(words, "certificate") || strings.Contains(words, "certificado"):
		return "nie"
	case strings.Contains(words, " dni ") || strings.Contains(words, "spanish") || strings.Contains(words, "espanol"):
		return "dni"
	}
	return ""
}

func (t *turn) routeAnswer(step, value string) bool {
	f := &t.u.Flow
	if f.Answers == nil {
		f.Answers = map[string]string{}
	}
	f.Answers[step] = value
	if step == "cert" && value == "unsure" {
		t.say(t.ui("route.cert_explained"))
	}
	if step == "cert" && value == "yes" {
		t.routeResult("certificate")
		return true
	}
	for i, s := range routeSteps {
		if s == step && i+1 < len(routeSteps) {
			t.routeAsk(routeSteps[i+1])
			return true
		}
	}
	t.routeResult(recommendRoute(f.Answers))
	return true
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

func (t *turn) routeResult(route string) {
	a := t.u.Flow.Answers
	t.u.Route = route
	t.endFlow()
	text := t.ui("route.result." + route)
	if route == "letter" && a["office"] == "yes" {
		text += "\n\n" + t.ui("route.also_office")
	}
	data := append(append([]string{}, routeFollowUps[route]...), "flow:route", "flow:menu")
	t.reply(text, nil, t.buttons(data...))
}

func (t *turn) routeBack() {
	f := &t.u.Flow
	for i, s := range routeSteps {
		if s == f.Step && i > 0 {
			delete(f.Answers, routeSteps[i-1])
			t.routeAsk(routeSteps[i-1])
			return
		}
	}
	t.endFlow()
	t.menu()
}
