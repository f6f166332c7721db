//go:build goolm

package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
)

// matrixStarter reads the MATRIX_* variables; nil when Matrix is not
// configured.
func (m *Main) matrixStarter() (starter, error) {
	cfg := matrix.Config{
		Homeserver:  m.getenv("MATRIX_HOMESERVER"),
		UserID:      m.getenv("MATRIX_USER_ID"),
		Password:    m.getenv("MATRIX_PASSWORD"),
		AccessToken: m.getenv("MATRIX_ACCESS_TOKEN"),
		PickleKey:   m.getenv("MATRIX_PICKLE_KEY"),
	}
	if cfg.Homeserver == "" {
		return nil, nil
	}
	switch {
	case cfg.AccessToken != "":
		// The homeserver says whose token it is.
	case cfg.UserID == "" || cfg.Password == "":
		return nil, errors.New("MATRIX_HOMESERVER needs MATRIX_ACCESS_TOKEN, or MATRIX_USER_ID and MATRIX_PASSWORD")
	}
	return func(ctx context.Context, svc *bot.Service, dbPath string, log *slog.Logger) (network, error) {
		return m.startMatrix(ctx, cfg, svc, dbPath, log)
	}, nil
}

// startMatrix logs in and prepares encryption; its files live next to the
// database, and it is closed before the database.
func (m *Main) startMatrix(ctx context.Context, cfg matrix.Config, svc *bot.Service, dbPath string, log *slog.Logger) (network, error) {
	cfg.StateDir = filepath.Dir(dbPath)
	fe, err := matrix.New(ctx, cfg, svc, matrix.WithLogger(log))
	if err != nil {
		return network{}, err
	}
	m.closers = append(m.closers, fe.Close)
	log.Info("matrix: connected", "user", fe.UserID(), "device", fe.DeviceID())
	return network{"matrix", matrix.KeyPrefix, fe}, nil
}
