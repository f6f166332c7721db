package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse reads content laid out as topics/*.yaml and ui/LANG.yaml in fsys
// and validates it.
func Parse(fsys fs.FS) (*Catalog, error) {
	files, err := fs.Glob(fsys, "topics/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	var errs []error
	topics := make([]*Topic, 0, len(files))
	for _, name := range files {
		t := &Topic{}
		if err := decodeYAML(fsys, name, t); err != nil {
			errs = append(errs, err)
			continue
		}
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); t.ID != want {
			errs = append(errs, fmt.Errorf("%s: id %q does not match the file name", name, t.ID))
			continue
		}
		topics = append(topics, t)
	}
	ui := map[Lang]map[string]string{}
	for _, l := range Langs {
		m := map[string]string{}
		if err := decodeYAML(fsys, "ui/"+string(l)+".yaml", &m); err != nil {
			errs = append(errs, err)
		}
		ui[l] = m
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return newCatalog(topics, ui)
}

// Compile reads and validates the content sources in fsys and returns the
// content.json that Load decodes.
func Compile(fsys fs.FS) ([]byte, error) {
	c, err := Parse(fsys)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(bundle{Topics: c.Topics(), UI: c.ui}, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode content: %w", err)
	}
	return append(out, '\n'), nil
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
