package conversation

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// bundle is the content compiled from content/ by TestBundleUpToDate:
// decoding YAML and stemming the vocabulary are most of the start-up cost
// of a one-off `clavebot ask`, so they happen when the content changes,
// not at every start.
//
//go:embed content.json
var bundle []byte

// compiled is the shape of content.json.
type compiled struct {
	Topics []*Topic                   `json:"topics"`
	UI     map[Lang]map[string]string `json:"ui"`
	// Stems caches the stem of every word of the knowledge base in each
	// language; a word missing from it is stemmed when needed.
	Stems map[string][2]string `json:"stems"`
}

// Text is one sentence or paragraph in every supported language.
type Text map[Lang]string

// In returns the text in l, falling back to English.
func (t Text) In(l Lang) string {
	if s, ok := t[l]; ok && s != "" {
		return s
	}
	return t[English]
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
	More  Text          `yaml:"more" json:"more,omitempty"`
	Links []ContentLink `yaml:"links" json:"links,omitempty"`
	// Next lists the follow-up buttons: "topic:ID", "flow:NAME" or "fix:ID".
	Next []string `yaml:"next" json:"next,omitempty"`
	// Steps make the topic a troubleshooting flow walked one step at a
	// time; Unsolved is what to do when no step helped.
	Steps    []Text `yaml:"steps" json:"steps,omitempty"`
	Unsolved Text   `yaml:"unsolved" json:"unsolved,omitempty"`
}

// ContentLink is an official page, titled in every language.
type ContentLink struct {
	URL   string `yaml:"url" json:"url,omitempty"`
	Title Text   `yaml:"title" json:"title,omitempty"`
}

// Catalog is the embedded content: the knowledge base and the sentences of
// the flows.
type Catalog struct {
	topics map[string]*Topic
	order  []string
	ui     map[Lang]map[string]string
	stems  map[string][2]string
}

// FlowNames are the guided flows a button may start with "flow:NAME".
var FlowNames = []string{"menu", "route", "checklist", "letter", "registered", "language", "timezone", "mydata", "forget", "help", "topics"}

// LoadCatalog reads and validates the embedded content.
func LoadCatalog() (*Catalog, error) {
	var b compiled
	if err := json.Unmarshal(bundle, &b); err != nil {
		return nil, fmt.Errorf("decode embedded content: %w", err)
	}
	c := &Catalog{topics: map[string]*Topic{}, ui: b.UI, stems: b.Stems}
	for _, t := range b.Topics {
		c.topics[t.ID] = t
		c.order = append(c.order, t.ID)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Compile reads the content sources (topics/*.yaml and ui/LANG.yaml in
// fsys), validates them, and returns what LoadCatalog embeds.
func Compile(fsys fs.FS) ([]byte, error) {
	c, err := ParseCatalog(fsys)
	if err != nil {
		return nil, err
	}
	m := NewMatcher(c.Topics())
	stems := make(map[string][2]string, len(m.words))
	for _, w := range m.words {
		stems[w.word] = [2]string{stem(English, w.word), stem(Spanish, w.word)}
	}
	out, err := json.MarshalIndent(compiled{Topics: c.Topics(), UI: c.ui, Stems: stems}, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode content: %w", err)
	}
	return append(out, '\n'), nil
}

// ParseCatalog reads content laid out as topics/*.yaml and ui/LANG.yaml
// and validates it.
func ParseCatalog(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{topics: map[string]*Topic{}, ui: map[Lang]map[string]string{}}
	files, err := fs.Glob(fsys, "topics/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	// Decoding YAML is most of the start-up cost of `clavebot ask`, so the
	// files are decoded on every core at once.
	topics := make([]Topic, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, name := range files {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = decodeYAML(fsys, name, &topics[i])
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, name := range files {
		t := &topics[i]
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); t.ID != want {
			return nil, fmt.Errorf("%s: id %q does not match the file name", name, t.ID)
		}
		c.topics[t.ID] = t
		c.order = append(c.order, t.ID)
	}
	for _, l := range Langs {
		m := map[string]string{}
		if err := decodeYAML(fsys, "ui/"+string(l)+".yaml", &m); err != nil {
			return nil, err
		}
		c.ui[l] = m
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeYAML(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	return nil
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

// Validate reports every problem in the content at once: a text missing
// in a language, a button that points nowhere, a link that is not https on
// an official domain, or a sentence key missing in one language.
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
			if len(t.More) > 0 && strings.TrimSpace(t.More[l]) == "" {
				bad("topic %s: more missing in %s", id, l)
			}
			if len(t.Questions[l]) < 3 {
				bad("topic %s: fewer than 3 example questions in %s", id, l)
			}
			for i, s := range t.Steps {
				if strings.TrimSpace(s[l]) == "" {
					bad("topic %s: step %d missing in %s", id, i+1, l)
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
		for _, n := range t.Next {
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
		return slices.Contains(FlowNames, name)
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
