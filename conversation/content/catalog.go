package content

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// compiled is the content the package embeds, written by `go generate`.
//
//go:embed content.json
var compiled []byte

// bundle is the shape of content.json.
type bundle struct {
	Topics []*Topic                   `json:"topics"`
	UI     map[Lang]map[string]string `json:"ui"`
}

// Topic is one entry of the knowledge base.
type Topic struct {
	ID    string `yaml:"id" json:"id"`
	Title Text   `yaml:"title" json:"title,omitempty"`
	// Questions are examples of how people ask about the topic; the
	// matcher learns the topic's vocabulary from them.
	Questions map[Lang][]string `yaml:"questions" json:"questions,omitempty"`
	// Keywords are extra terms that point to the topic.
	Keywords map[Lang][]string `yaml:"keywords" json:"keywords,omitempty"`
	// Short is the first answer: a few sentences.
	Short Text `yaml:"short" json:"short,omitempty"`
	// More is the detail offered behind a "Tell me more" button.
	More  Text   `yaml:"more" json:"more,omitempty"`
	Links []Link `yaml:"links" json:"links,omitempty"`
	// Next lists the follow-up buttons: "topic:ID", "flow:NAME" or "fix:ID".
	Next []string `yaml:"next" json:"next,omitempty"`
	// Steps make the topic a troubleshooting guide walked one step at a
	// time; Unsolved is what to do when no step helped.
	Steps []Step `yaml:"steps" json:"steps,omitempty"`
	// Cannot is said instead of Short when the user asks the bot itself to
	// do what the topic is about ("can you check my code?"): plainly, that
	// it cannot, and who can.
	Cannot Text `yaml:"cannot" json:"cannot,omitempty"`
	// Cases are answers fitted to a user's case, tried in order.
	Cases    []Case `yaml:"cases" json:"cases,omitempty"`
	Unsolved Text   `yaml:"unsolved" json:"unsolved,omitempty"`
}

// Step is one step of a troubleshooting guide.
type Step struct {
	// Line is the step in a few words, for the guide's overview: the
	// first reply of a guide lists every step's line.
	Line Text `yaml:"line" json:"line"`
	// Text is what to check or try.
	Text Text `yaml:"text" json:"text"`
	// Check marks a step that is a question about what the user sees
	// rather than something to try. Ask is that yes/no question: "yes"
	// means this is not the cause and the guide goes on, "no" means the
	// cause is found, and Found says what to do about it.
	Check bool `yaml:"check" json:"check,omitempty"`
	Ask   Text `yaml:"ask" json:"ask,omitempty"`
	Found Text `yaml:"found" json:"found,omitempty"`
	// FoundNext are the buttons offered with Found.
	FoundNext []string `yaml:"found_next" json:"found_next,omitempty"`
	// Done are ways of saying this step was already tried ("I restarted
	// the phone"), so that the guide does not ask for it again.
	Done map[Lang][]string `yaml:"done" json:"done,omitempty"`
	// Seen are things a user may report seeing that point to this step
	// ("my inbox is full"), so that the guide goes straight to it.
	Seen map[Lang][]string `yaml:"seen" json:"seen,omitempty"`
	// For limits the step to users in one of these cases (CaseKeys):
	// a user known to be in another case of the same kind skips it.
	For []string `yaml:"for" json:"for,omitempty"`
}

// Case is a topic's answer for users in a particular case: it is given
// instead of the general Short when the user's record or message says
// they are in one of the For cases.
type Case struct {
	For   []string `yaml:"for" json:"for"`
	Short Text     `yaml:"short" json:"short"`
}

// CaseKeys are the cases answers and steps can be fitted to, as
// "kind:value": what the record keeps of the user's situation.
var CaseKeys = map[string]bool{
	"doc:tie": true, "doc:eu_certificate": true, "doc:nie": true, "doc:dni": true, "doc:passport": true,
	"cert:yes": true, "cert:no": true, "region:canary": true, "phone:foreign": true,
}

// Link is an official page, titled in every language. URL may be any of
// the page's language variants: In picks the reader's.
type Link struct {
	URL   string `yaml:"url" json:"url,omitempty"`
	Title Text   `yaml:"title" json:"title,omitempty"`
	// Only is set when the page exists in that language alone.
	Only Lang `yaml:"only" json:"only,omitempty"`
}

// In returns the address of the page in language l and the language
// that address is in (another one when the page exists only in it).
func (k Link) In(l Lang) (string, Lang) { return LinkIn(k.URL, l, k.Only) }

// Catalog is the content: the knowledge base and the sentences of the
// flows.
type Catalog struct {
	topics map[string]*Topic
	order  []string
	ui     map[Lang]map[string]string
}

// Load decodes and validates the embedded content.
func Load() (*Catalog, error) {
	var b bundle
	if err := json.Unmarshal(compiled, &b); err != nil {
		return nil, fmt.Errorf("decode embedded content: %w", err)
	}
	return newCatalog(b.Topics, b.UI)
}

func newCatalog(topics []*Topic, ui map[Lang]map[string]string) (*Catalog, error) {
	c := &Catalog{topics: map[string]*Topic{}, ui: ui}
	for _, t := range topics {
		if c.topics[t.ID] != nil {
			return nil, fmt.Errorf("topic %s defined twice", t.ID)
		}
		c.topics[t.ID] = t
		c.order = append(c.order, t.ID)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Topic returns the topic with the given id, or nil.
func (c *Catalog) Topic(id string) *Topic { return c.topics[id] }

// Topics returns every topic in file-name order.
func (c *Catalog) Topics() []*Topic {
	out := make([]*Topic, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.topics[id])
	}
	return out
}

// UI returns the flow sentence key in l. A missing key is a content bug
// that Validate and the tests catch, so at run time it degrades to the key.
func (c *Catalog) UI(l Lang, key string) string {
	if s, ok := c.ui[l][key]; ok {
		return s
	}
	if s, ok := c.ui[English][key]; ok {
		return s
	}
	return key
}

// HasUI reports whether key exists in every language.
func (c *Catalog) HasUI(key string) bool {
	for _, l := range Langs {
		if _, ok := c.ui[l][key]; !ok {
			return false
		}
	}
	return true
}

// UIKeys returns every sentence key, in no particular order.
func (c *Catalog) UIKeys() []string {
	keys := make([]string, 0, len(c.ui[English]))
	for k := range c.ui[English] {
		keys = append(keys, k)
	}
	return keys
}

// Validate reports every problem in the content at once: a text missing
// in a language, a button that points to no topic, a link that is not
// https on an official domain, or a sentence key missing in one language.
// Buttons that open a flow ("flow:NAME") are checked by the conversation,
// which owns the flows.
func (c *Catalog) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, id := range c.order {
		t := c.topics[id]
		for _, l := range Langs {
			if strings.TrimSpace(t.Title[l]) == "" {
				bad("topic %s: title missing in %s", id, l)
			}
			if strings.TrimSpace(t.Short[l]) == "" {
				bad("topic %s: short answer missing in %s", id, l)
			}
			if len(t.Cannot) > 0 && strings.TrimSpace(t.Cannot[l]) == "" {
				bad("topic %s: cannot missing in %s", id, l)
			}
			if len(t.More) > 0 && strings.TrimSpace(t.More[l]) == "" {
				bad("topic %s: more missing in %s", id, l)
			}
			if len(t.Questions[l]) < 3 {
				bad("topic %s: fewer than 3 example questions in %s", id, l)
			}
			for i, s := range t.Steps {
				if strings.TrimSpace(s.Text[l]) == "" {
					bad("topic %s: step %d missing in %s", id, i+1, l)
				}
				if line := strings.TrimSpace(s.Line[l]); line == "" || strings.Contains(line, "\n") || len([]rune(line)) > 90 {
					bad("topic %s: step %d needs a one-line summary of at most 90 characters in %s", id, i+1, l)
				}
				if s.Check && (strings.TrimSpace(s.Found[l]) == "" || strings.TrimSpace(s.Ask[l]) == "") {
					bad("topic %s: check step %d lacks its question or its found text in %s", id, i+1, l)
				}
			}
			for i, k := range t.Cases {
				if strings.TrimSpace(k.Short[l]) == "" {
					bad("topic %s: case %d has no answer in %s", id, i+1, l)
				}
			}
			if len(t.Steps) > 0 && strings.TrimSpace(t.Unsolved[l]) == "" {
				bad("topic %s: unsolved missing in %s", id, l)
			}
			for _, k := range t.Links {
				if strings.TrimSpace(k.Title[l]) == "" {
					bad("topic %s: link %s has no title in %s", id, k.URL, l)
				}
			}
		}
		for _, k := range t.Links {
			if err := checkOfficialURL(k.URL); err != nil {
				bad("topic %s: %w", id, err)
			}
		}
		var keys []string
		for _, k := range t.Cases {
			if len(k.For) == 0 {
				bad("topic %s: a case without the cases it is for", id)
			}
			keys = append(keys, k.For...)
		}
		for _, s := range t.Steps {
			keys = append(keys, s.For...)
		}
		for _, k := range keys {
			if !CaseKeys[k] {
				bad("topic %s: unknown case %q", id, k)
			}
		}
		targets := append([]string{}, t.Next...)
		for _, s := range t.Steps {
			targets = append(targets, s.FoundNext...)
		}
		for _, n := range targets {
			if !c.validTarget(n) {
				bad("topic %s: button %q points nowhere", id, n)
			}
		}
	}
	for _, l := range Langs {
		for key := range c.ui[l] {
			for _, other := range Langs {
				if _, ok := c.ui[other][key]; !ok {
					bad("ui key %q exists in %s but not in %s", key, l, other)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (c *Catalog) validTarget(target string) bool {
	kind, name, ok := strings.Cut(target, ":")
	if !ok {
		return false
	}
	switch kind {
	case "topic":
		return c.topics[name] != nil
	case "fix":
		return c.topics[name] != nil && len(c.topics[name].Steps) > 0
	case "flow":
		return name != ""
	}
	return false
}

// officialDomains are the registrable domains of the public bodies whose
// pages the bot may link to.
var officialDomains = []string{"gob.es", "agenciatributaria.es", "seg-social.es"}

func checkOfficialURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("link %q: %w", raw, err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("link %q is not https", raw)
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	for _, d := range officialDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return nil
		}
	}
	return fmt.Errorf("link %q is not on an official domain", raw)
}
