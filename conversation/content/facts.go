package content

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// factsYAML is the fact table. The bot does not read it at run time: the
// tests hold the answers to it.
//
//go:embed facts.yaml
var factsYAML []byte

// Fact is one fact of the sources: the seed document or the checked
// official pages of the fact sheet.
type Fact struct {
	ID string `yaml:"id"`
	// Fact states it in one line.
	Fact string `yaml:"fact"`
	// Source is "seed", or the official page the fact was read on.
	Source string `yaml:"source"`
	// From lists the source lines that state it: "seed:N", "facts.md:N".
	From []string `yaml:"from"`
	// Care says how carefully the fact must be put when the sources
	// themselves are unsure of it or disagree.
	Care string `yaml:"care"`
	// Topics are the topics whose first reply must state the fact, for
	// users in Case when it is set.
	Topics []string `yaml:"topics"`
	Case   string   `yaml:"case"`
	// EN and ES are regular expressions that must all match the first
	// reply, lower case and without accents, when it states the fact.
	EN []string `yaml:"en"`
	ES []string `yaml:"es"`
}

// Patterns returns the fact's patterns for language l.
func (f Fact) Patterns(l Lang) []string {
	if l == Spanish {
		return f.ES
	}
	return f.EN
}

// FactTable is every fact of the sources, and what of the sources is not
// a fact.
type FactTable struct {
	Facts []Fact `yaml:"facts"`
	// NoFact names the source lines that state no fact an answer should
	// carry, with the reason: "seed:1": "introduction".
	NoFact map[string]string `yaml:"no_fact"`
	// Sources records each source as it was when the table was written.
	Sources map[string]SourceFile `yaml:"sources"`
}

// SourceFile identifies a version of a source document: its SHA-256 and
// the numbers of its lines that must each be a fact's or a no_fact entry.
type SourceFile struct {
	SHA256 string `yaml:"sha256"`
	Lines  []int  `yaml:"lines"`
}

// sourceRef matches a reference to a source line.
var sourceRef = regexp.MustCompile(`^(seed|facts\.md):([0-9]+)$`)

// LoadFacts decodes the fact table and checks it against the catalogue:
// every fact names existing topics, a known case, a source, source lines
// and patterns in both languages that compile.
func LoadFacts(c *Catalog) (*FactTable, error) {
	var ft FactTable
	dec := yaml.NewDecoder(strings.NewReader(string(factsYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(&ft); err != nil {
		return nil, fmt.Errorf("decode facts.yaml: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	for _, f := range ft.Facts {
		switch {
		case f.ID == "":
			bad("a fact without an id: %q", f.Fact)
			continue
		case seen[f.ID]:
			bad("fact %s: listed twice", f.ID)
		}
		seen[f.ID] = true
		if strings.TrimSpace(f.Fact) == "" {
			bad("fact %s: no statement", f.ID)
		}
		if f.Source != "seed" && !strings.HasPrefix(f.Source, "https://") {
			bad("fact %s: source %q is neither \"seed\" nor an official page", f.ID, f.Source)
		}
		if len(f.From) == 0 {
			bad("fact %s: no source lines", f.ID)
		}
		for _, ref := range f.From {
			if !sourceRef.MatchString(ref) {
				bad("fact %s: %q is not a source line (seed:N or facts.md:N)", f.ID, ref)
			}
		}
		if len(f.Topics) == 0 {
			bad("fact %s: no topic states it", f.ID)
		}
		for _, id := range f.Topics {
			if c.Topic(id) == nil {
				bad("fact %s: no topic %q", f.ID, id)
			}
		}
		if f.Case != "" && !CaseKeys[f.Case] {
			bad("fact %s: unknown case %q", f.ID, f.Case)
		}
		for _, l := range Langs {
			if len(f.Patterns(l)) == 0 {
				bad("fact %s: no pattern in %s", f.ID, l)
			}
			for _, p := range f.Patterns(l) {
				if _, err := regexp.Compile(p); err != nil {
					bad("fact %s: pattern %q: %w", f.ID, p, err)
				}
			}
		}
	}
	for ref := range ft.NoFact {
		if !sourceRef.MatchString(ref) {
			bad("no_fact: %q is not a source line", ref)
		}
	}
	return &ft, errors.Join(errs...)
}

// Uncovered returns the recorded source lines that are neither in a
// fact's From nor in NoFact, as "seed:N".
func (ft *FactTable) Uncovered() []string {
	covered := map[string]bool{}
	for _, f := range ft.Facts {
		for _, ref := range f.From {
			covered[ref] = true
		}
	}
	for ref := range ft.NoFact {
		covered[ref] = true
	}
	var out []string
	for _, name := range []string{"seed", "facts.md"} {
		for _, n := range ft.Sources[name].Lines {
			if ref := name + ":" + strconv.Itoa(n); !covered[ref] {
				out = append(out, ref)
			}
		}
	}
	return out
}
