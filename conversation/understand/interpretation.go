package understand

// Context is what the dialogue knows when a message arrives. It changes how
// a message is read: "yes" means something only after a question, and a
// bare date is the letter's date only when the letter is being talked about.
type Context struct {
	// Today is the user's calendar day: relative dates count from it.
	Today Date
	// Lang is the language of the conversation so far, "" when unknown.
	Lang Lang
	// Expect is what the bot's last message asked for.
	Expect Expect
	// LastTopic is the knowledge-base topic of the last answer, if any.
	LastTopic string
	// Letter is how far the user's invitation letter has got.
	Letter LetterStage
	// LetterTalk is set when the letter came up in the last exchange,
	// asked by the bot or mentioned by the user.
	LetterTalk bool
	// Flow is the guided flow the user is in, "" if none: in the guide
	// for an SMS that does not arrive, "it came" is about the SMS.
	Flow string
	// Options are the labels of the buttons of the bot's last message,
	// which a user may answer by number or by typing the label.
	Options []string
}

// Expect is the kind of answer the bot's last message asked for.
type Expect uint8

// The kinds of answer a step can ask for.
const (
	ExpectNothing  Expect = iota
	ExpectYesNo           // a yes/no question
	ExpectDate            // the date printed on the letter
	ExpectDocument        // which identity document the user has
	ExpectOutcome         // whether a troubleshooting step worked
	ExpectCheck           // a troubleshooting question about what the user sees
)

// LetterStage is how far the invitation letter has got.
type LetterStage uint8

// The stages of the letter.
const (
	LetterUnknown LetterStage = iota
	LetterRequested
	LetterArrived
	LetterDated
)

// Interpretation is everything read from one message. It is computed once;
// the dialogue decides from it and never reads the text again.
type Interpretation struct {
	// Lang is the language the text is written in; LangSure is false
	// when the text gives no clear sign (then Lang is the context's).
	Lang     Lang
	LangSure bool

	// Acts are the dialogue acts of the message.
	Acts Acts
	// Answer is the yes, no or not-sure the message gives, if any.
	Answer Answer
	// Outcome is what the message says about a troubleshooting step.
	Outcome Outcome

	// Progress are the statements of progress the message makes.
	Progress []Progress
	// Case is what the message says about the user's situation.
	Case Case
	// Option is the button of the last message the text picks, by its
	// number or its label, counted from 1; -1 for a number that is no
	// option; 0 when the text picks none.
	Option int
	// Command is the name of a slash command ("/start" is "start"),
	// lower case, without a Telegram "@botname"; CommandArg is what
	// follows it.
	Command, CommandArg string
	// Requests are the things the message asks the bot to do.
	Requests []Request
	// HowToRegister is set when the message asks how to get Cl@ve or
	// register for it.
	HowToRegister bool

	// Topics are the knowledge-base topics the message may be about, best
	// first, with calibrated scores: the estimated probability that the
	// topic is the one meant, comparable across topics.
	Topics []Candidate
	// Verdict says how Topics should be used.
	Verdict Verdict
	// OffTopic is set when the message is about something else than
	// Cl@ve, whatever Cl@ve words it also has: a bank card's PIN, the
	// weather, an appointment for the NIE itself.
	OffTopic bool
	// Near names the subject of an off-topic message when it is one next
	// to Cl@ve (one of the Near constants).
	Near string
	// AsksBot is set when the message asks the bot itself to act on the
	// user's Cl@ve: check a code, register them, change their data.
	AsksBot bool
	// OtherPerson is set when the message is about someone else's case
	// ("my wife has the green certificate"): the facts it states are not
	// the user's own.
	OtherPerson bool
	// DocumentNamed is the one document the message names, whether or not
	// the user holds it: what an answer about documents should lead with.
	DocumentNamed Document
	// MentionsLetter is set when the message names the invitation letter;
	// MentionsDocument when it names an identity document (DNI, NIE, TIE,
	// passport), held or not.
	MentionsLetter, MentionsDocument bool
	// Also is a second topic the message asks about, when it asks two
	// things ("do I need an appointment and what do I bring").
	Also string
	// AsksWhere is set for a question about where to go: "where do I do
	// that?", "¿dónde lo hago?".
	AsksWhere bool
	// Problem is set when the message reports something going wrong:
	// an error, a refusal, a thing that does not come.
	Problem bool
	// FollowUp is set when the message only makes sense after the last
	// answer ("and if I only have a passport?"); its Topics were read
	// with that answer's topic in mind.
	FollowUp bool

	// Dates are the dates the message mentions, in order.
	Dates []DateMention
	// Days is a number of days the message gives, such as "3 days before"
	// or "una semana antes"; HasDays tells whether it gives one.
	Days    int
	HasDays bool
	// Digits reports masked phone digits the user compares ("it shows
	// ***123 but mine ends 456").
	Digits DigitsSeen

	// StepsDone are the troubleshooting steps the message says were
	// already done ("I restarted the phone"), as "topic:index".
	StepsDone []string
	// StepsSeen are the steps what the user reports seeing points to
	// ("my inbox is full"), as "topic:index".
	StepsSeen []string

	// Sensitive is the kinds of personal data found in the text. The
	// values themselves are never part of an interpretation.
	Sensitive Sensitive
	// Words is the number of words in the message.
	Words int
	// Rest is true when the message says more than its small talk,
	// answer or request: a question or statement worth matching.
	Rest bool
}

// Acts is a set of dialogue acts.
type Acts uint16

// The dialogue acts.
const (
	ActQuestion   Acts = 1 << iota // asks something
	ActGreeting                    // hello
	ActThanks                      // thank you
	ActBye                         // goodbye
	ActCorrection                  // corrects what was said before ("actually...", "perdona, ...")
	ActAck                         // a bare acknowledgement: "ok", "vale", "great"
	ActMeta                        // about the conversation or the bot: "I didn't understand", "are you a bot"
)

// Has reports whether a includes every act in b.
func (a Acts) Has(b Acts) bool { return b != 0 && a&b == b }

// Answer is a reply to a yes/no question.
type Answer uint8

// The answers.
const (
	NoAnswer Answer = iota
	Yes
	No
	Unsure
)

// Outcome is what a user says of a troubleshooting step.
type Outcome uint8

// The outcomes.
const (
	NoOutcome Outcome = iota
	Fixed             // it works now
	Failing           // it still does not work
	Tried             // they did the step and say no more
)

// Progress is a statement of how far the user has got.
type Progress uint8

// The statements of progress.
const (
	LetterAskedFor Progress = iota + 1 // "I asked for the letter"
	LetterCame                         // "my letter came"
	LetterMissing                      // "the letter hasn't arrived"
	Registered                         // "I registered yesterday"
)

// Tri is yes, no or not sure, for a fact of the user's case.
type Tri uint8

// The values of a Tri.
const (
	TriUnknown Tri = iota
	TriYes
	TriNo
	TriUnsure
)

// Case is what a message says of the user's situation. Only kinds and
// choices: never a number.
type Case struct {
	Certificate Tri      // has a digital certificate or electronic DNI
	Office      Tri      // can go to an office in person
	Address     Tri      // tax address up to date
	Document    Document // the identity document the user holds
	// OtherDocument is the document of someone else the user asks for
	// ("my wife has the green certificate").
	OtherDocument Document
	SharedPhone   bool   // shares a mobile number with someone else
	ForeignPhone  bool   // uses a mobile number from another country
	Region        Region // where in Spain the user lives, if said
	// Choice is the registration route the user says they will take:
	// "letter", "in_person" or "certificate".
	Choice string
}

// Document is a kind of identity document.
type Document uint8

// The documents.
const (
	NoDocument  Document = iota
	DocTIE               // TIE or another residence card: an NIE holder
	DocEUCert            // the green EU registration certificate: an NIE holder
	DocNIE               // an NIE, document not said
	DocDNI               // a Spanish DNI
	DocPassport          // a passport only
)

// HasNIE reports whether the document is one of an NIE holder.
func (d Document) HasNIE() bool { return d == DocTIE || d == DocEUCert || d == DocNIE }

// Region is a part of Spain with its own time zone.
type Region uint8

// The regions.
const (
	NoRegion Region = iota
	Peninsula
	Canary
)

// Request is something the user asks the bot to do.
type Request struct {
	Kind RequestKind
	// Lang is the language asked for, with RequestLanguage.
	Lang Lang
	// Flow is the flow asked for, with RequestFlow.
	Flow string
}

// RequestKind names a request.
type RequestKind uint8

// The requests.
const (
	RequestRemind        RequestKind = iota + 1 // remind me (Days before, when HasDays)
	RequestRemindLater                          // remind me tomorrow
	RequestStopReminders                        // no more reminders
	RequestListReminders                        // what reminders are there, when
	RequestLanguage                             // write in Lang
	RequestForget                               // erase my data
	RequestMyData                               // what do you store about me
	RequestMenu                                 // the main menu
	RequestBack                                 // one step back
	RequestCancel                               // stop what we are doing
	RequestHelp                                 // what can you do
	RequestFlow                                 // open Flow
)

// Has reports whether the interpretation holds a request of kind k.
func (in *Interpretation) Has(k RequestKind) bool {
	for _, r := range in.Requests {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// Request returns the request of kind k, if any.
func (in *Interpretation) Request(k RequestKind) (Request, bool) {
	for _, r := range in.Requests {
		if r.Kind == k {
			return r, true
		}
	}
	return Request{}, false
}

// States reports whether the message makes statement p.
func (in *Interpretation) States(p Progress) bool {
	for _, q := range in.Progress {
		if q == p {
			return true
		}
	}
	return false
}

// DigitsSeen is what the user says about the masked phone number a login
// page shows.
type DigitsSeen uint8

// What the digits can be.
const (
	DigitsUnsaid DigitsSeen = iota
	DigitsMatch             // the digits on screen are the user's
	DigitsDiffer            // they are someone else's, or an old number
)

// Verdict says how the topics of an interpretation should be used.
type Verdict uint8

// The verdicts, from "not about Cl@ve" to "this is the topic".
const (
	OutOfScope Verdict = iota // nothing about Cl@ve
	Unclear                   // about Cl@ve, but no topic stands out
	Between                   // truly between the first topics: ask which
	Clear                     // Topics[0] is the answer
)

// Topic returns the topic the message is about, or "" unless the verdict
// is Clear.
func (in *Interpretation) Topic() string {
	if in.Verdict == Clear && len(in.Topics) > 0 {
		return in.Topics[0].TopicID
	}
	return ""
}
