package conversation_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/transcripts")

// start is the fixed "now" of every transcript: 10:00 in Madrid.
var start = time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// transcript is a scripted conversation. A step is what the user types,
// "press:DATA" for a button press, or "wait:DURATION" to move the clock.
type transcript struct {
	name  string
	lang  string // platform language hint
	steps []string
}

var transcripts = []transcript{
	{"menu", "en", []string{"/start", "2", "/menu", "hi", "thanks"}},
	{"menu", "es", []string{"/start", "2", "/menu", "hola", "gracias"}},
	{"route_letter", "en", []string{"/start", "1", "no", "2", "no", "yes"}},
	{"route_letter", "es", []string{"/start", "1", "no", "NIE", "no", "si"}},
	{"route_certificate", "en", []string{"/route", "yes"}},
	{"route_certificate", "es", []string{"/route", "1"}},
	{"route_office_back", "en", []string{"/route", "I'm not sure", "1", "back", "2", "yes", "no"}},
	{"route_office_back", "es", []string{"/route", "no se", "1", "atrás", "2", "1", "no"}},
	{"route_video", "en", []string{"/route", "2", "Spanish DNI", "2", "2"}},
	{"route_video", "es", []string{"/route", "2", "DNI español", "2", "2"}},
	{"checklist", "en", []string{"/checklist", "1", "2", "3", "3", "3", "4", "5", "/mydata"}},
	{"checklist", "es", []string{"/checklist", "1", "2", "3", "3", "3", "4", "5", "/mydata"}},
	{"letter", "en", []string{"/menu", "3", "1", "1", "20/11/2026", "/mydata"}},
	{"letter", "es", []string{"/menu", "3", "1", "1", "20 de noviembre", "/mydata"}},
	{"letter_dates", "en", []string{"/letter", "3", "no idea", "31/02/2026", "25/12/2026", "yesterday", "/letter", "2", "1 sept", "/letter", "2", "today"}},
	{"letter_dates", "es", []string{"/carta", "3", "ni idea", "31/02/2026", "25/12/2026", "ayer", "/carta", "2", "1 sept", "/carta", "2", "hoy"}},
	{"letter_wait", "en", []string{"/letter", "yes", "not yet", "wait:384h", "/letter", "2"}},
	{"letter_wait", "es", []string{"/carta", "si", "todavia no", "wait:384h", "/carta", "2"}},
	{"registered", "en", []string{"/letter", "3", "2026-11-20", "/registered", "/letter", "/mydata"}},
	{"registered", "es", []string{"/carta", "3", "20.11.2026", "/registrado", "/carta", "/mydata"}},
	{"fix_sms", "en", []string{"/menu", "4", "1", "1", "no", "2", "yes"}},
	{"fix_sms", "es", []string{"/menu", "4", "1", "1", "no", "2", "si"}},
	{"fix_unsolved", "en", []string{"fix me", "/start fix-csv_expired", "no", "no", "no", "no", "no", "no", "no"}},
	{"fix_unsolved", "es", []string{"/start fix-csv_expired", "no", "no", "no", "no", "no", "no", "no"}},
	{"question_in_flow", "en", []string{"/route", "what is the support number?", "2"}},
	{"question_in_flow", "es", []string{"/ruta", "donde esta el numero de soporte", "2"}},
	{"idle_resume", "en", []string{"/route", "no", "wait:20h", "hello again", "1", "1"}},
	{"idle_resume", "es", []string{"/ruta", "no", "wait:20h", "hola otra vez", "1", "1"}},
	{"idle_drop", "en", []string{"/route", "no", "wait:800h", "what is cl@ve"}},
	{"idle_drop", "es", []string{"/ruta", "no", "wait:800h", "que es cl@ve"}},
	{"forget", "en", []string{"/checklist", "1", "/forget", "no", "/forget", "yes", "/mydata"}},
	{"forget", "es", []string{"/lista", "1", "/forget", "2", "/forget", "1", "/mydata"}},
	{"language", "en", []string{"/language", "2", "/mydata", "/language en"}},
	{"language", "es", []string{"/idioma", "1", "/mydata", "/idioma es"}},
	{"timezone", "en", []string{"/timezone", "2", "/mydata"}},
	{"timezone", "es", []string{"/timezone", "2", "/mydata"}},
	{"questions", "en", []string{"what is clave", "1", "I never got the sms with the pin", "what's the weather in Madrid tomorrow?", "clave"}},
	{"questions", "es", []string{"que es clave", "1", "no me llega el sms con el pin", "que tiempo hace mañana en madrid", "clave"}},
	{"bad_input", "en", []string{"", "   ", "<b>hello</b> <script>alert(1)</script>", "my code is ABCD1234EFGH5678", "X1234567L", "my number is 612 345 678", "/nonsense", "press:a:route:cert:yes", "press:topic:nope", "99", strings.Repeat("a", 5000)}},
	{"bad_input", "es", []string{"", "mi código es abcd-1234-efgh-5678", "mi NIE es X1234567L y no funciona", "/nada", "press:a:forget:confirm:yes", "99"}},
	{"deep_links", "en", []string{"/start csv_code", "/start route", "/start nothing"}},
	{"deep_links", "es", []string{"/start csv_code", "/start letter", "/start nada"}},
	{"reminders", "en", []string{"/letter", "3", "20/11/2026", "/reminders", "press:rem:snooze", "/reminders", "/stop", "/reminders"}},
	{"reminders", "es", []string{"/carta", "3", "20/11/2026", "/recordatorios", "press:rem:snooze", "/recordatorios", "/stop", "/recordatorios"}},
	{"help", "en", []string{"/help", "help", "menu", "cancel"}},
	{"help", "es", []string{"/help", "ayuda", "menu", "cancelar"}},

	// Typed conversations: every flow reached and moved on by sentences.
	{"talk_route", "en", []string{"hi, how do I sign up for clave?", "no I don't have any certificate",
		"I can't really get to an office, I work all week", "I have a TIE", "yes my address is up to date"}},
	{"talk_route", "es", []string{"hola, como me doy de alta en clave?", "no, certificado digital no tengo",
		"no puedo ir a una oficina, trabajo toda la semana", "tengo la TIE", "si, el domicilio fiscal lo tengo al dia"}},
	{"talk_route_at_once", "en", []string{"i have the electronic dni with the chip, how do i get clave?"}},
	{"talk_route_at_once", "es", []string{"soy italiana, tengo el certificado verde. certificado digital no tengo y a una oficina puedo ir sin problema. como me registro?"}},
	{"talk_checklist", "en", []string{"am I ready to register?", "yes I have my NIE on the TIE", "found it",
		"my wife and I use the same phone", "yes", "not sure, I moved last year"}},
	{"talk_checklist", "es", []string{"estoy listo para registrarme?", "si, tengo el NIE en la TIE", "lo encontre",
		"mi mujer y yo usamos el mismo movil", "si", "no se, me mude el año pasado"}},
	{"talk_letter", "en", []string{"what is cl@ve pin", "I asked for the invitation letter last week",
		"my letter has just arrived", "it's dated 22/10", "sorry, I read it wrong, it's dated 17/10",
		"can you send me a reminder a week before it expires?", "stop the reminders", "/mydata"}},
	{"talk_letter", "es", []string{"que es la clave pin y para que vale", "pedi la carta de invitacion la semana pasada",
		"ya me ha llegado la carta", "pone 22/10", "perdona, la carta es del 17/10", "avisame 3 dias antes de que caduque",
		"para los recordatorios", "/misdatos"}},
	{"talk_letter_at_once", "en", []string{"got the letter, dated 22/10, how long do I have?", "i live in tenerife btw"}},
	{"talk_letter_at_once", "es", []string{"me llego la carta, es del 22 de octubre, cuanto tiempo tengo?", "por cierto vivo en lanzarote"}},
	{"talk_fix_sms", "en", []string{"the sms with the pin never arrives", "yep, the number on screen is mine",
		"turned the phone off and on, nothing", "still nothing", "it worked!", "thanks"}},
	{"talk_fix_sms", "es", []string{"no me llega el sms del pin", "si, el numero que sale es el mio",
		"ya lo he reiniciado y nada", "sigue sin llegar", "ya me ha llegado!", "gracias"}},
	{"talk_fix_digits", "en", []string{"the pin sms doesn't come, it shows ***123 but mine ends 456"}},
	{"talk_fix_digits", "es", []string{"no me llega el pin, sale ***123 pero el mio acaba en 456"}},
	{"talk_registered", "en", []string{"I registered yesterday", "how do I activate permanente?",
		"what rules does the password have to follow"}},
	{"talk_registered", "es", []string{"ya me he registrado", "como activo la permanente?", "que requisitos tiene la contraseña"}},
	{"talk_followups", "en", []string{"where is the support number on my TIE?", "and if I only have a passport?",
		"what about the green EU certificate?"}},
	{"talk_followups", "es", []string{"donde esta el numero de soporte en la TIE?", "y si solo tengo pasaporte?",
		"y en el certificado verde de la UE?"}},
	{"talk_account", "en", []string{"what do you store about me?", "in Spanish please", "borra mis datos", "si"}},
	{"talk_account", "es", []string{"que datos guardas de mi?", "in English please", "delete my data", "yes"}},
	{"talk_help", "en", []string{"what can you do?", "show me the options", "when will you remind me?"}},
	{"talk_help", "es", []string{"que puedes hacer?", "volver al menu", "cuando me vas a avisar?"}},
	{"talk_cases", "en", []string{"where is the support number? i have the green eu certificate", "other documents",
		"my husband has a TIE, where is his?", "the form keeps rejecting it"}},
	{"talk_cases", "es", []string{"donde esta el numero de soporte? tengo el certificado verde de la ue", "otros documentos",
		"mi marido tiene la TIE, donde esta el suyo?", "el formulario no me lo acepta"}},
	{"talk_cannot", "en", []string{"can you check if my csv code is still valid?", "can you change my tax address for me?",
		"can you see my data at the tax agency?", "how do i get an nie appointment in madrid", "how do i install my certificate in firefox"}},
	{"talk_cannot", "es", []string{"puedes comprobar si mi codigo csv sigue valido?", "puedes cambiarme el domicilio fiscal?",
		"puedes ver mis datos de hacienda?", "como pido cita para el nie en madrid", "como instalo el certificado en el navegador"}},
	{"talk_fix_seen", "en", []string{"the pin sms never comes and my inbox is full", "deleted loads, still nothing", "thanks"}},
	{"talk_fix_seen", "es", []string{"no me llega el sms del pin y tengo la bandeja llena", "he borrado mensajes y sigue sin llegar", "gracias"}},
	{"calendar", "en", []string{"/letter", "3", "20/11/2026", "add to my calendar", "/reminders"}},
	{"calendar", "es", []string{"/carta", "3", "20/11/2026", "añadir a mi calendario", "/recordatorios"}},
	{"talk_scope", "en", []string{"the bank asked me for my card pin", "what's the difference between pin and permanente",
		"do i need an appointment and what do i bring", "I forgot the pin of my electronic dni", "thanks, bye"}},
	{"talk_scope", "es", []string{"el banco me pide el pin de la tarjeta", "que diferencia hay entre la pin y la permanente",
		"hace falta cita y que tengo que llevar", "olvide el pin del dni electronico", "gracias, adios"}},
}

// run plays a transcript against a fresh user and renders it as text.
func (tr transcript) run(t testing.TB, cat *conversation.Catalog) string {
	now := start
	e := conversation.NewEngine(cat, conversation.WithClock(func() time.Time { return now }))
	var u conversation.User
	var b strings.Builder
	for _, step := range tr.steps {
		in := conversation.Input{LangHint: tr.lang}
		switch {
		case strings.HasPrefix(step, "wait:"):
			d, err := time.ParseDuration(strings.TrimPrefix(step, "wait:"))
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(d)
			fmt.Fprintf(&b, "(%s later)\n\n", d)
			continue
		case strings.HasPrefix(step, "press:"):
			in.Action = strings.TrimPrefix(step, "press:")
			fmt.Fprintf(&b, "> [pressed %s]\n", in.Action)
		default:
			in.Text = step
			shown := step
			if len(shown) > 80 {
				shown = fmt.Sprintf("%s… (%d bytes)", shown[:40], len(step))
			}
			fmt.Fprintf(&b, "> %s\n", shown)
		}
		d := e.Handle(&u, in)
		if d.Forget {
			u = conversation.User{}
			b.WriteString("(user erased)\n")
		}
		for _, r := range d.Replies {
			checkReply(t, r)
			b.WriteString(r.Text + "\n")
			if r.File != nil {
				fmt.Fprintf(&b, "[file %s, %s]\n", r.File.Name, r.File.MIME)
			}
			for _, l := range r.Links {
				fmt.Fprintf(&b, "→ %s: %s\n", l.Title, l.URL)
			}
			for i, btn := range r.Buttons {
				fmt.Fprintf(&b, "[%d] %s\n", i+1, btn.Label)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// checkReply fails on replies that show a missing content key or leak
// what the user pasted.
func checkReply(t testing.TB, r conversation.Reply) {
	t.Helper()
	for _, s := range append([]string{r.Text}, labels(r)...) {
		if s == "" {
			t.Errorf("empty text or label in reply %+v", r)
		}
		if !strings.Contains(s, " ") && strings.Count(s, ".") >= 1 && strings.ToLower(s) == s && len(s) > 3 {
			t.Errorf("reply shows what looks like a content key: %q", s)
		}
		if strings.Contains(s, "{") {
			t.Errorf("reply has an unfilled placeholder: %q", s)
		}
		for _, secret := range []string{"ABCD1234EFGH5678", "X1234567L", "612 345 678", "abcd-1234"} {
			if strings.Contains(s, secret) {
				t.Errorf("reply repeats sensitive input %q", secret)
			}
		}
	}
	for _, btn := range r.Buttons {
		if len(btn.Data) > 64 {
			t.Errorf("button data %q is over 64 bytes", btn.Data)
		}
	}
}

func labels(r conversation.Reply) []string {
	var out []string
	for _, b := range r.Buttons {
		out = append(out, b.Label)
	}
	return out
}

// TestTranscripts compares every flow, in both languages, with its golden
// transcript. Run with -update after a deliberate change and read the diff.
func TestTranscripts(t *testing.T) {
	cat := mustCatalog(t)
	for _, tr := range transcripts {
		t.Run(tr.name+"."+tr.lang, func(t *testing.T) {
			got := tr.run(t, cat)
			path := filepath.Join("testdata", "transcripts", tr.name+"."+tr.lang+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s; rerun with -update and review the diff\n--- got:\n%s", path, got)
			}
		})
	}
}

var (
	catalogOnce sync.Once
	catalog     *conversation.Catalog
	catalogErr  error
)

// mustCatalog loads the embedded content once for all tests.
func mustCatalog(tb testing.TB) *conversation.Catalog {
	tb.Helper()
	catalogOnce.Do(func() { catalog, catalogErr = conversation.LoadCatalog() })
	if catalogErr != nil {
		tb.Fatal(catalogErr)
	}
	return catalog
}
