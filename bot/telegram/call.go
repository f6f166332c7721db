package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	tgbot "github.com/go-telegram/bot"
)

// call sends one Bot API request as JSON and fails with the library's own
// error values, which the send queue tells apart (429, 403, other 4xx).
// The library sends every request as a multipart form written through a
// pipe: for the message a reply is, JSON costs a fraction of that.
func (f *FrontEnd) call(ctx context.Context, method string, params any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.methodURL(method), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", method, f.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", method, f.redact(err))
	}
	defer resp.Body.Close()
	var answer struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
		Parameters  struct {
			RetryAfter      int `json:"retry_after"`
			MigrateToChatID int `json:"migrate_to_chat_id"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		// A proxy's error page: retried like a 5xx.
		return fmt.Errorf("%s: HTTP %d, unreadable answer: %w", method, resp.StatusCode, err)
	}
	if answer.OK {
		return nil
	}
	switch answer.ErrorCode {
	case http.StatusTooManyRequests:
		return &tgbot.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", tgbot.ErrorTooManyRequests, answer.Description), RetryAfter: answer.Parameters.RetryAfter}
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", tgbot.ErrorForbidden, answer.Description)
	case http.StatusBadRequest:
		if answer.Parameters.MigrateToChatID != 0 {
			return &tgbot.MigrateError{Message: fmt.Sprintf("%s: %s", tgbot.ErrorBadRequest, answer.Description), MigrateToChatID: answer.Parameters.MigrateToChatID}
		}
		return fmt.Errorf("%w, %s", tgbot.ErrorBadRequest, answer.Description)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, answer.Description)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", tgbot.ErrorNotFound, answer.Description)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", tgbot.ErrorConflict, answer.Description)
	}
	return fmt.Errorf("%s: %d %s", method, answer.ErrorCode, answer.Description)
}
