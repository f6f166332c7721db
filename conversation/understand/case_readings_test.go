package understand_test

import (
	"slices"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
	"github.com/clavebot/clavebot/conversation/understand"
)

// TestCaseReadings covers what a message says beyond its topic: that it
// asks the bot to act, that it is about someone else's case, that the
// user's phone is foreign, a subject next to Cl@ve, and what the user
// saw in a troubleshooting guide.
func TestCaseReadings(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	tests := []struct {
		text    string
		asksBot bool
		other   bool
		foreign bool
		near    string
		seen    string // a step the message points to, "" for none
	}{
		{text: "can you check if my csv code is still valid", asksBot: true},
		{text: "could you register me in clave please", asksBot: true},
		{text: "can you help me register?"},
		{text: "can you tell me how to change my tax address"},
		{text: "how do I change my tax address"},
		{text: "puedes cambiar mi domicilio fiscal por mi", asksBot: true},
		{text: "me puedes registrar tu en clave?", asksBot: true},
		{text: "comprueba mi codigo por favor", asksBot: true},
		{text: "me puedes explicar como se pide la carta"},
		{text: "my wife has the green certificate, where is her support number?", other: true},
		{text: "mi mujer es italiana y tiene el papel verde", other: true},
		{text: "my wife and I share the same phone"},
		{text: "mi marido ya esta registrado"},
		{text: "the pin never arrives on my uk number", foreign: true},
		{text: "tengo un numero extranjero, me llegara el sms?", foreign: true},
		{text: "can I use a foreign number for clave?"},
		{text: "how do i get an nie appointment in barcelona", near: understand.NearNIEAppointment},
		{text: "como pido cita para la toma de huellas", near: understand.NearNIEAppointment},
		{text: "como pido cita para empadronarme", near: understand.NearPadron},
		{text: "how do i install the certificate in chrome", near: understand.NearCertificateInstall},
		{text: "my bank card pin is blocked"},
		{text: "the sms never comes and my inbox is full", seen: "sms_not_arriving:2"},
		{text: "no me llega el pin, tengo la bandeja llena", seen: "sms_not_arriving:2"},
		{text: "the code says it is invalid", seen: "csv_expired:0"},
	}
	for _, tt := range tests {
		in := ip.Interpret(tt.text, understand.Context{})
		if in.AsksBot != tt.asksBot || in.OtherPerson != tt.other || in.Case.ForeignPhone != tt.foreign || in.Near != tt.near {
			t.Errorf("%q: asks bot %v, other person %v, foreign phone %v, near %q; want %v, %v, %v, %q",
				tt.text, in.AsksBot, in.OtherPerson, in.Case.ForeignPhone, in.Near, tt.asksBot, tt.other, tt.foreign, tt.near)
		}
		if tt.seen != "" && !slices.Contains(in.StepsSeen, tt.seen) {
			t.Errorf("%q: steps seen %v, want %q", tt.text, in.StepsSeen, tt.seen)
		}
	}
}
