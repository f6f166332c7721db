package conversation

import (
	"strings"

	"github.com/clavebot/clavebot/conversation/content"
	"github.com/clavebot/clavebot/conversation/understand"
)

// caseKeys lists what the record says of the user's case, as the
// catalogue's case keys ("doc:tie", "cert:yes", "region:canary"...).
func (t *turn) caseKeys() []string {
	u := t.u
	var keys []string
	switch {
	case t.in == nil:
	case t.in.OtherPerson && t.in.Case.OtherDocument != understand.NoDocument:
		// "my wife has the green certificate, which is hers?"
		keys = append(keys, "doc:"+documentNames[t.in.Case.OtherDocument])
	case t.in.Case.Document != understand.NoDocument:
		// The document the message says someone holds: the user's, or
		// the one of the person they ask for.
		keys = append(keys, "doc:"+documentNames[t.in.Case.Document])
	case t.in.DocumentNamed != understand.NoDocument:
		// The document the question is about.
		keys = append(keys, "doc:"+documentNames[t.in.DocumentNamed])
	}
	if t.in != nil && t.in.OtherPerson {
		return keys
	}
	if u.Document != "" && len(keys) == 0 {
		keys = append(keys, "doc:"+u.Document)
	}
	if u.Certificate != "" {
		keys = append(keys, "cert:"+u.Certificate)
	}
	if u.TimeZone == "Atlantic/Canary" {
		keys = append(keys, "region:canary")
	}
	if u.ForeignPhone {
		keys = append(keys, "phone:foreign")
	}
	return keys
}

// caseFor returns the answer of tp fitted to the user's case, if it has
// one.
func (t *turn) caseFor(tp *Topic) *content.Case {
	if len(tp.Cases) == 0 {
		return nil
	}
	keys := t.caseKeys()
	for i := range tp.Cases {
		for _, k := range tp.Cases[i].For {
			if hasKey(keys, k) {
				return &tp.Cases[i]
			}
		}
	}
	return nil
}

// stepApplies reports whether a guide step is for the user: a step
// limited to some cases is skipped when the record puts the user in
// another case of the same kind (an EU certificate holder skips the TIE
// step), and kept when the record says nothing of that kind.
func (t *turn) stepApplies(s content.Step) bool {
	if len(s.For) == 0 {
		return true
	}
	keys := t.caseKeys()
	otherOfKind := false
	for _, k := range s.For {
		if hasKey(keys, k) {
			return true
		}
		kind, _, _ := strings.Cut(k, ":")
		for _, have := range keys {
			if strings.HasPrefix(have, kind+":") {
				otherOfKind = true
			}
		}
	}
	return !otherOfKind
}

func hasKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// messageCaseKeys lists what this message alone says of the user's case.
func (t *turn) messageCaseKeys() []string {
	if t.in == nil {
		return nil
	}
	c := t.in.Case
	var keys []string
	if c.Document != understand.NoDocument {
		keys = append(keys, "doc:"+documentNames[c.Document])
	}
	switch c.Certificate {
	case understand.TriYes:
		keys = append(keys, "cert:yes")
	case understand.TriNo:
		keys = append(keys, "cert:no")
	}
	if c.ForeignPhone {
		keys = append(keys, "phone:foreign")
	}
	if c.Region == understand.Canary {
		keys = append(keys, "region:canary")
	}
	return keys
}

// caseRefits reports whether what this message says of the user's case
// picks one of topic id's fitted answers: "I don't have a certificate"
// after the answer on changing the mobile.
func (t *turn) caseRefits(id string) bool {
	tp := t.e.cat.Topic(id)
	if tp == nil {
		return false
	}
	keys := t.messageCaseKeys()
	for _, c := range tp.Cases {
		for _, k := range c.For {
			if hasKey(keys, k) {
				return true
			}
		}
	}
	return false
}
