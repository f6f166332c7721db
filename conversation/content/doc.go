// Package content is clavebot's catalogue: every sentence the bot can say,
// in English and in Spanish.
//
// The sources are YAML files in this directory: one file per knowledge-base
// topic in topics/, and the sentences of the guided flows in ui/LANG.yaml.
// `go generate` validates them and compiles them into content.json, which
// the package embeds, so that a start-up decodes JSON instead of YAML.
// TestGenerated fails when content.json no longer matches the sources.
//
// facts.yaml is the fact table: every fact of the two sources (the seed
// document and the fact sheet of checked official pages), each with the
// topics whose first reply must state it. The bot does not read it; the
// tests hold the answers to it (TestFactTable here, TestFactsInFirstReplies
// in the conversation package).
//
// Links are written once, in any language variant of the page; LinkIn
// gives each reader the variant in their language.
//
// The catalogue holds text only: how questions are matched to topics is the
// business of the understand package, which indexes the catalogue at start.
package content

//go:generate go run ./internal/gen
