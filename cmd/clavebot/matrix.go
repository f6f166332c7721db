//go:build goolm

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
)

// matrixStarter connects the configured Matrix account; nil when there
// is none.
func (m *Main) matrixStarter() (starter, error) {
	mx := m.cfg.Matrix
	if mx.Homeserver == "" {
		return nil, nil
	}
	cfg := matrix.Config{Homeserver: mx.Homeserver, UserID: mx.UserID, Password: mx.Password, AccessToken: mx.AccessToken, PickleKey: mx.PickleKey}
	return func(ctx context.Context, svc *bot.Service, dbPath string, log *slog.Logger) (network, error) {
		return m.startMatrix(ctx, cfg, svc, dbPath, log)
	}, nil
}

// startMatrix logs in and prepares encryption; its files live next to the
// database, and it is closed before the database.
func (m *Main) startMatrix(ctx context.Context, cfg matrix.Config, svc *bot.Service, dbPath string, log *slog.Logger) (network, error) {
	cfg.StateDir = filepath.Dir(dbPath)
	fe, err := matrix.New(ctx, cfg, svc, matrix.WithLogger(log))
	if errors.Is(err, matrix.ErrBadCredentials) {
		return network{}, fmt.Errorf("%w: check MATRIX_USER_ID with MATRIX_PASSWORD, or MATRIX_ACCESS_TOKEN", err)
	}
	if err != nil {
		return network{}, fmt.Errorf("%w (Matrix is configured by MATRIX_HOMESERVER, MATRIX_USER_ID, MATRIX_PASSWORD, MATRIX_ACCESS_TOKEN and MATRIX_PICKLE_KEY)", err)
	}
	m.closers = append(m.closers, fe.Close)
	log.Info("matrix: connected", "user", fe.UserID(), "device", fe.DeviceID())
	return network{"matrix", matrix.KeyPrefix, fe}, nil
}
