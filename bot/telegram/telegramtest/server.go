package telegramtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	defaultPollCap  = time.Second
	maxRequestBytes = 64 << 20
)

// Option configures a Server.
type Option func(*Server)

// WithFault installs fn, which is consulted before every call of a sending
// method (sendMessage, editMessageText, editMessageReplyMarkup,
// answerCallbackQuery, sendChatAction). call counts that method's calls
// from 1. A non-nil result is answered instead of handling the call, so
// nothing is recorded. fn runs without the server's lock held and may be
// called from several goroutines at once.
func WithFault(fn func(method string, call int) *Fault) Option {
	return func(s *Server) { s.fault = fn }
}

// WithOnSend calls fn for every message sendMessage accepts, with the
// chat and the text as the user sees it, at the moment it is accepted:
// latency measurements end there. fn runs under the server's lock
// and must not call the server.
func WithOnSend(fn func(chatID int64, text string)) Option {
	return func(s *Server) { s.onSend = fn }
}

// WithOnConfirm calls fn whenever updates are confirmed, with how many: by
// the offset of a getUpdates call, before that call is answered, or by a
// webhook's 2xx answer, one update at a time:
// a test can kill the bot right there, when Telegram would never send
// those updates again. fn runs under the server's lock and must not call
// the server.
func WithOnConfirm(fn func(n int)) Option {
	return func(s *Server) { s.onConfirm = fn }
}

// WithPollCap bounds how long one getUpdates call may block, whatever
// timeout the client asks for. Clients poll with timeouts near a minute;
// capping keeps test shutdown and timing quick. Default 1s.
func WithPollCap(d time.Duration) Option {
	return func(s *Server) { s.pollCap = d }
}

// WithBotUsername sets the username getMe reports (default "test_bot").
// The bot_command entities of injected texts use it for "/cmd@name".
func WithBotUsername(username string) Option {
	return func(s *Server) { s.botUsername = username }
}

// Server is a fake Telegram Bot API server. All methods are safe for
// concurrent use.
type Server struct {
	token       string
	botID       int64
	botUsername string
	pollCap     time.Duration
	fault       func(method string, call int) *Fault
	onSend      func(chatID int64, text string)
	onConfirm   func(n int)

	ts         *httptest.Server
	ctx        context.Context // cancelled when the server closes
	cancel     context.CancelFunc
	hookClient *http.Client
	workers    sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closing bool

	calls map[string]int

	chats       map[int64]*chat
	blocked     map[int64]bool
	updates     []queuedUpdate // not yet confirmed, ascending update_id
	nextUpdate  int64
	allowed     []string // last allowed_updates a client set; nil means default
	pollGen     int64
	nextCBQuery int64
	callbacks   map[string]*callbackState
	commands    map[commandKey][]BotCommand

	webhook webhookState
}

type commandKey struct {
	scope string
	lang  string
}

type callbackState struct {
	answered bool
	answer   CallbackAnswer
}

// NewServer starts a fake Bot API server for token. tb.Cleanup stops it;
// stop bots that use it before then (a cancelled context is enough), or
// they will log connection errors while the test ends.
func NewServer(tb testing.TB, token string, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		token:       token,
		botID:       botIDFromToken(token),
		botUsername: "test_bot",
		pollCap:     defaultPollCap,
		changed:     make(chan struct{}),
		calls:       map[string]int{},
		chats:       map[int64]*chat{},
		blocked:     map[int64]bool{},
		nextUpdate:  1,
		callbacks:   map[string]*callbackState{},
		commands:    map[commandKey][]BotCommand{},
	}
	for _, o := range opts {
		o(s)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// Webhook targets in tests are httptest TLS servers with throwaway
	// certificates.
	transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test-only client
	s.hookClient = &http.Client{Transport: transport, Timeout: 10 * time.Second}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.workers.Add(1)
	go s.deliverWebhooks()
	tb.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	s.closing = true
	s.notifyLocked()
	s.mu.Unlock()
	s.cancel()
	// Long polls watch closing, so Close does not wait out their timeouts.
	s.ts.Close()
	s.workers.Wait()
	s.hookClient.CloseIdleConnections()
}

// URL is the base URL to hand the client (go-telegram/bot's WithServerURL).
func (s *Server) URL() string { return s.ts.URL }

// Token is the only token the server accepts.
func (s *Server) Token() string { return s.token }

// BotID is the bot's user id, taken from the token's numeric prefix.
func (s *Server) BotID() int64 { return s.botID }

func botIDFromToken(token string) int64 {
	prefix, _, _ := strings.Cut(token, ":")
	id, err := strconv.ParseInt(prefix, 10, 64)
	if err != nil || id <= 0 {
		return 1
	}
	return id
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// apiError is a Bot API error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	rawBody    string
}

func (e *apiError) Error() string { return e.desc }

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.rawBody != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(e.code)
		_, _ = io.WriteString(w, e.rawBody)
		return
	}
	resp := apiResponse{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 {
		resp.Parameters = &responseParameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, resp)
}

type request struct {
	method string
	params params
	// files are the files of a multipart request, by field name.
	files map[string]Document
	http  *http.Request
}

type methodFunc func(s *Server, r *request) (any, *apiError)

// methods maps lower-cased method names: Telegram matches them without
// regard to case.
var methods = map[string]struct {
	name    string
	fn      methodFunc
	sending bool
}{
	"getme":                  {"getMe", (*Server).getMe, false},
	"getupdates":             {"getUpdates", (*Server).getUpdates, false},
	"setwebhook":             {"setWebhook", (*Server).setWebhook, false},
	"deletewebhook":          {"deleteWebhook", (*Server).deleteWebhook, false},
	"getwebhookinfo":         {"getWebhookInfo", (*Server).getWebhookInfo, false},
	"setmycommands":          {"setMyCommands", (*Server).setMyCommands, false},
	"sendmessage":            {"sendMessage", (*Server).sendMessage, true},
	"editmessagetext":        {"editMessageText", (*Server).editMessageText, true},
	"editmessagereplymarkup": {"editMessageReplyMarkup", (*Server).editMessageReplyMarkup, true},
	"answercallbackquery":    {"answerCallbackQuery", (*Server).answerCallbackQuery, true},
	"sendchataction":         {"sendChatAction", (*Server).sendChatAction, true},
	"senddocument":           {"sendDocument", (*Server).sendDocument, true},
	"deletemessage":          {"deleteMessage", (*Server).deleteMessage, true},
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// A server URL configured with a trailing slash yields "//bot...".
	path := strings.TrimLeft(r.URL.Path, "/")
	rest, ok := strings.CutPrefix(path, "bot")
	if !ok {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || method == "" || strings.Contains(method, "/") {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	if token != s.token {
		writeError(w, &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"})
		return
	}
	m, known := methods[strings.ToLower(method)]
	name := method
	if known {
		name = m.name
	}
	s.mu.Lock()
	s.calls[name]++
	call := s.calls[name]
	s.mu.Unlock()
	if !known {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	if m.sending && s.fault != nil {
		if f := s.fault(name, call); f != nil {
			writeError(w, &apiError{code: f.Status, desc: f.Description, retryAfter: f.RetryAfter, rawBody: f.Body})
			return
		}
	}
	p, files, err := parseParams(r)
	if err != nil {
		writeError(w, err)
		return
	}
	result, apiErr := m.fn(s, &request{method: name, params: p, files: files, http: r})
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
}

// params holds request parameters as strings. Structured values (objects,
// arrays) are kept as JSON text, the way form-encoded clients send them.
type params map[string]string

func parseParams(r *http.Request) (params, map[string]Document, *apiError) {
	p := params{}
	var files map[string]Document
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
	if err != nil {
		return nil, nil, badRequest("can't read request body")
	}
	// go-telegram/bot sends parameterless calls (getMe) with a multipart
	// content type but an empty body.
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil, nil
	}
	mediaType, mparams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(body), mparams["boundary"]).ReadForm(maxRequestBytes)
		if err != nil {
			return nil, nil, badRequest("can't parse multipart/form-data request body")
		}
		defer func() { _ = form.RemoveAll() }()
		for k, v := range form.Value {
			if len(v) > 0 {
				p[k] = v[0]
			}
		}
		for k, fhs := range form.File {
			if len(fhs) == 0 {
				continue
			}
			fh, err := fhs[0].Open()
			if err != nil {
				return nil, nil, badRequest("can't read file %s", k)
			}
			data, err := io.ReadAll(fh)
			fh.Close()
			if err != nil {
				return nil, nil, badRequest("can't read file %s", k)
			}
			if files == nil {
				files = map[string]Document{}
			}
			files[k] = Document{FileName: fhs[0].Filename, Data: data}
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, nil, badRequest("can't parse JSON object")
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p[k] = str
				continue
			}
			if string(raw) == "null" {
				continue
			}
			p[k] = string(raw)
		}
	default: // application/x-www-form-urlencoded, or a client that omits the type
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, badRequest("can't parse application/x-www-form-urlencoded request body")
		}
		for k, v := range vals {
			if len(v) > 0 {
				p[k] = v[0]
			}
		}
	}
	return p, files, nil
}

func (p params) has(k string) bool {
	_, ok := p[k]
	return ok
}

func (p params) int64(k string) (int64, bool, *apiError) {
	v, ok := p[k]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, true, badRequest("invalid %s specified", k)
	}
	return n, true, nil
}

func (p params) bool(k string) bool {
	v := strings.ToLower(strings.TrimSpace(p[k]))
	return v == "true" || v == "1"
}

// chatID reads chat_id. Usernames ("@name") never match a chat here: the
// fake only knows chats by the numeric ids tests inject.
func (p params) chatID() (int64, *apiError) {
	v := strings.TrimSpace(p["chat_id"])
	if v == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// Calls reports how many requests named method the server received with
// the right token, including failed and faulted ones. Use Telegram's
// spelling, e.g. "sendMessage".
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func itoa(n int) string { return strconv.Itoa(n) }
