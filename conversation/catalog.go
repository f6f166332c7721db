package conversation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/clavebot/clavebot/conversation/content"
)

// Catalog is the content the engine speaks from: the knowledge base and
// the sentences of the flows.
type Catalog = content.Catalog

// Topic is one entry of the knowledge base.
type Topic = content.Topic

// LoadCatalog returns the embedded content, checked against the flows:
// every button that opens a flow must name one that exists.
func LoadCatalog() (*Catalog, error) {
	cat, err := content.Load()
	if err != nil {
		return nil, err
	}
	if err := CheckCatalog(cat); err != nil {
		return nil, err
	}
	return cat, nil
}

// CheckCatalog reports the buttons of cat that open a flow that does not
// exist.
func CheckCatalog(cat *Catalog) error {
	var errs []error
	for _, t := range cat.Topics() {
		targets := append([]string{}, t.Next...)
		for _, s := range t.Steps {
			targets = append(targets, s.FoundNext...)
		}
		for _, n := range targets {
			if name, ok := strings.CutPrefix(n, "flow:"); ok && lookupFlow(name) == nil {
				errs = append(errs, fmt.Errorf("topic %s: button %q opens no flow", t.ID, n))
			}
		}
	}
	return errors.Join(errs...)
}
