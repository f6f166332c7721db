//go:build !goolm

package main

import "errors"

// matrixStarter: a build without the goolm tag has no Matrix front end
// (mautrix's encryption would need cgo and libolm), and says so.
func (m *Main) matrixStarter() (starter, error) {
	if m.cfg.Matrix.Homeserver == "" {
		return nil, nil
	}
	return nil, errors.New("MATRIX_HOMESERVER is set, but this clavebot was built without -tags goolm and has no Matrix front end")
}
