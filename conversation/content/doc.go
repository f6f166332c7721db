// Package content is clavebot's catalogue: every sentence the bot can say,
// in English and in Spanish.
//
// The sources are YAML files in this directory: one file per knowledge-base
// topic in topics/, and the sentences of the guided flows in ui/LANG.yaml.
// `go generate` validates them and compiles them into content.json, which
// the package embeds, so that a start-up decodes JSON instead of YAML.
// TestGenerated fails when content.json no longer matches the sources.
//
// The catalogue holds text only: how questions are matched to topics is the
// business of the understand package, which indexes the catalogue at start.
package content

//go:generate go run ./internal/gen
