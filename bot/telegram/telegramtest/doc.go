// Package telegramtest is an in-process fake of the Telegram Bot API for
// testing clavebot's Telegram front end end to end, with the real
// github.com/go-telegram/bot client, without network access or a real bot.
//
// It exists because the front end's interesting failures sit on the wire:
// HTML that Telegram refuses, texts over the length limit, oversized
// callback data, flood control (429), users who blocked the bot (403), and
// ordering under many concurrent chats. The fake rejects what Telegram
// rejects, with Telegram's status codes and descriptions, so those paths
// can be tested deterministically.
//
// # Use
//
//	s := telegramtest.NewServer(t, "123:abc")
//	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithDefaultHandler(h))
//	ctx, cancel := context.WithCancel(context.Background())
//	t.Cleanup(cancel) // registered after NewServer, so it runs before the server closes
//	go b.Start(ctx)
//
//	alice := telegramtest.User{ID: 42, FirstName: "Alice", LanguageCode: "en"}
//	s.SendText(alice.ID, alice, "/start")
//	msgs := s.WaitSent(t, alice.ID, 1, 2*time.Second)
//	id := s.PressButton(alice.ID, alice, msgs[0].MessageID, msgs[0].Buttons[0][0].CallbackData)
//	s.WaitUntil(t, time.Second, "answer", func() bool { return s.CallbackAnswered(id) })
//
// Injected updates (SendText, SendGroupText, PressButton) get increasing
// update_ids and wait in a queue until the bot confirms them through the
// getUpdates offset, exactly like Telegram. While a webhook is registered
// with setWebhook, the server instead POSTs them to it, one at a time in
// order, with the secret token header, retrying until the webhook answers
// 2xx; getUpdates then answers 409 as Telegram does. PostWebhook sends a
// hand-made update to any URL.
//
// Sent, WaitSent, CallbackAnswered, CallbackAnswer, ChatActions, Commands,
// CommandsForScope, Pending and Calls report what the bot did. Messages are
// kept per chat in the order the server accepted them; each keeps its
// current state plus the versions before every edit. WithFault injects
// errors into sending methods; Block makes one chat answer 403.
//
// # Endpoints
//
// /bot<token>/<method> for getMe, getUpdates, setWebhook, deleteWebhook,
// getWebhookInfo, setMyCommands, sendMessage, editMessageText,
// editMessageReplyMarkup, answerCallbackQuery and sendChatAction. Method
// names match case-insensitively, as in Telegram. Any other token gets 401
// "Unauthorized", any other method 404 "Not Found". Bodies may be
// multipart/form-data (what go-telegram/bot sends), form-urlencoded, or
// JSON; structured fields such as reply_markup arrive as JSON text in the
// first two.
//
// getUpdates honours offset (confirming older updates), negative offsets,
// limit, timeout and allowed_updates (remembered across calls, as in
// Telegram). A poll blocks until an update arrives, its timeout ends
// (capped by WithPollCap, 1s by default, because clients ask for ~59s), a
// newer poll terminates it with 409 (two bot instances), or the server
// closes.
//
// # Validation, and where it differs from Telegram on purpose
//
//   - Text is measured after parsing the markup and trimming white space,
//     in UTF-16 code units, the unit of entity offsets: an emoji outside
//     the BMP counts 2. Telegram's documented limit is "4096 characters";
//     counting UTF-16 is the stricter reading, so text the fake accepts is
//     never too long for Telegram. Over 4096: "Bad Request: message is too
//     long". Empty: "Bad Request: message text is empty".
//   - parse_mode=HTML is parsed the way Telegram's parser (tdlib) does it:
//     the tags b strong i em u ins s strike del a code pre tg-spoiler
//     span class="tg-spoiler" blockquote [expandable] tg-emoji, "</>"
//     closing the innermost tag, and its error texts with byte offsets,
//     e.g. `Bad Request: can't parse entities: Unsupported start tag "p" at
//     byte offset 0`. A bare '<' is an error there too. One deliberate
//     difference: in text (not in attribute values) a '&' must begin
//     &lt; &gt; &amp; &quot; or a numeric reference ending in ';'.
//     Telegram would keep a stray '&' literally; failing instead catches a
//     missing escape of user text before it meets a '<'. A bare '>' is
//     accepted, as in Telegram.
//   - Markdown and MarkdownV2 are accepted but not parsed.
//   - Inline keyboards: a button needs text ("Bad Request:
//     BUTTON_TEXT_INVALID", the fake's best guess at Telegram's text) and
//     exactly one action; callback_data over 64 bytes is "Bad Request:
//     BUTTON_DATA_INVALID". Empty callback_data counts as absent, which
//     Telegram reports as "Bad Request: can't parse inline keyboard
//     button: Text buttons are unallowed in the inline keyboard".
//   - editMessageText on an unknown message: "Bad Request: message to edit
//     not found"; on a user's message: "message can't be edited"; with the
//     same text, entities and keyboard: "Bad Request: message is not
//     modified: ..." (full Telegram text). editMessageText without
//     reply_markup removes the inline keyboard, as Telegram does.
//   - Sending to a chat no update came from: "Bad Request: chat not found".
//     Chats are known by numeric id only.
//   - answerCallbackQuery works once per query id; a second answer or an
//     unknown id is "query is too old and response timeout expired or
//     query ID is invalid".
//   - setWebhook accepts http:// URLs (Telegram requires HTTPS) so tests
//     can use httptest servers.
//
// # Notes on github.com/go-telegram/bot v1.19.0 for the front end
//
// Errors. Every method returns Telegram errors from one place
// (rawRequest):
//   - 429: *bot.TooManyRequestsError{Message, RetryAfter int (seconds)}.
//     Use errors.As (bot.IsTooManyRequestsError is a plain type assertion
//     and fails on wrapped errors). It does NOT wrap bot.ErrorTooManyRequests,
//     so errors.Is(err, bot.ErrorTooManyRequests) is false.
//   - 403: wraps bot.ErrorForbidden ("forbidden, Forbidden: bot was blocked
//     by the user"); 400: wraps bot.ErrorBadRequest, or is *bot.MigrateError
//     when Telegram sends migrate_to_chat_id; 401 bot.ErrorUnauthorized;
//     404 bot.ErrorNotFound; 409 bot.ErrorConflict. Telegram's description
//     is only in the message text (no field), so match it with strings.Contains.
//   - Any other code (500, 502, ...) is a plain fmt error "error response
//     from telegram for method M, 502 Bad Gateway" with no sentinel; a
//     non-JSON body (the HTML 502 pages of Telegram's proxies, see
//     Fault.Body) is "error decode response body ...". Transport errors
//     wrap the *url.Error. Classify "retryable" by exclusion.
//   - The library retries nothing and never sleeps for retry_after on send
//     methods; on getUpdates errors it only backs off 100ms doubling to 5s
//     (ignoring retry_after) and reports through WithErrorsHandler.
//   - bot.New calls getMe (5s budget, WithCheckInitTimeout; WithSkipGetMe
//     skips it) and fails with "error call getMe, unauthorized, ..." that
//     wraps bot.ErrorUnauthorized for a wrong token.
//   - Calls return a non-nil zero *models.Message alongside an error.
//
// Concurrency. Start runs one getUpdates loop and WithWorkers(n) workers
// (default 1) reading a channel of capacity 1024 (WithUpdatesChannelCap).
// Each worker calls ProcessUpdate, which by default runs the handler in a
// NEW goroutine per update: unbounded concurrency, no ordering even within
// one chat. WithNotAsyncHandlers runs handlers inline in the workers: with
// one worker everything is serial; with n workers there are n in parallel
// and no chat affinity. So the front end must serialize per chat itself.
// There is no panic recovery: a panicking handler kills the process.
// Middlewares (WithMiddlewares) run in the handler's goroutine, so a
// recover() middleware works, but handler matching (RegisterHandler
// patterns) runs before middlewares, in the worker. Start returns when its
// context is done without waiting for handler goroutines, and updates still
// in the channel are dropped: track in-flight work for graceful shutdown.
//
// Delivery is at most once: the library stores an update's id as soon as
// it is fetched, before any handler ran, and the next poll's offset
// confirms it, so updates being handled during a crash are lost.
//
// Polling timeouts. The poll asks for timeout = pollTimeout-1s (default
// pollTimeout 1 minute, with an http.Client Timeout of 1 minute).
// WithHTTPClient(pollTimeout, client) sets both: the client's own Timeout
// must exceed pollTimeout, and a pollTimeout under 2s makes timeout 0, a
// busy short-polling loop.
//
// Webhooks. b.WebhookHandler() is an http.HandlerFunc to mount on your own
// server; bot.WithWebhookSecretToken(secret) makes it check the
// X-Telegram-Bot-Api-Secret-Token header (pass the same value as
// SetWebhookParams.SecretToken). b.StartWebhook(ctx) only starts the
// workers: the front end serves HTTP and calls SetWebhook itself. The
// handler answers 200 with an empty body in all cases, even for a wrong
// secret or undecodable body (it only reports through the errors handler),
// and blocks until the update fits in the channel, so a stalled worker
// pool stalls Telegram's delivery.
//
// Requests. All calls are POST multipart/form-data streamed through an
// io.Pipe, parameterless ones (getMe) with an empty body. Plain string
// fields go raw; other fields are json.Marshal'ed with surrounding quotes
// trimmed, so chat_id may be an int64 or an "@channel" string and
// reply_markup, entities, commands, scope and allowed_updates are JSON text.
//
// Pitfalls found:
//   - models.InlineKeyboardButton.CopyText is not a pointer, so every
//     button carries "copy_text":{"text":""}; together with an empty
//     CallbackData (omitted by omitempty) Telegram sees no usable action.
//     Never send a button with empty callback data.
//   - bot.MatchTypeCommand slices the text with entity offsets, which are
//     UTF-16 units, as if they were bytes: a command after non-ASCII text
//     never matches, and "/cmd@botname" does not match "cmd". It also depends on the bot_command entity, which the
//     fake adds like Telegram does. Prefer a MatchFunc that parses text.
//   - bot.EscapeMarkdown is for MarkdownV2; for HTML use html.EscapeString
//     on every piece of user or model text.
package telegramtest
