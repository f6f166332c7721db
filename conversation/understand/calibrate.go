package understand

import "math"

// The thresholds on calibrated scores: one for every topic.
const (
	// answerAt is the score at which the first topic is the answer.
	answerAt = 0.5
	// betweenAt is the score two topics must reach together, each at
	// least betweenEach, for the message to sit between them.
	betweenAt   = 0.6
	betweenEach = 0.2
)

// Calibration turns the matcher's scores into probabilities. The weights
// were fitted by logistic regression on the dev split of the question
// evaluation (`go test -run TestCalibration -calibrate`); every topic
// shares them, so one threshold means the same for all.
var calibration = struct {
	bias, score, rel, coverage, margin, strong float64
}{bias: -12.844, score: 2.082, rel: 9.576, coverage: -0.650, margin: 9.984, strong: 0.277}

// calibrate scores the candidates of a match and gives the verdict.
func calibrate(res MatchResult) ([]Candidate, Verdict) {
	if len(res.Candidates) == 0 || res.Verdict == matchOut {
		return nil, OutOfScope
	}
	out := make([]Candidate, len(res.Candidates))
	top := res.Candidates[0].Score
	margin := 1.0
	if len(res.Candidates) > 1 {
		margin = 1 - res.Candidates[1].Score/top
	}
	for i, c := range res.Candidates {
		f := candidateFeatures(c, top, margin, i == 0, res.Domain)
		out[i] = Candidate{TopicID: c.TopicID, Coverage: c.Coverage, Score: logistic(f)}
	}
	switch {
	case out[0].Score >= answerAt:
		return out, Clear
	case len(out) > 1 && out[0].Score+out[1].Score >= betweenAt && out[1].Score >= betweenEach:
		return out, Between
	}
	return out, Unclear
}

// features are the inputs of the calibration, for one candidate.
type features struct{ score, rel, coverage, margin, strong float64 }

func candidateFeatures(c Candidate, top, margin float64, first bool, dom evidence) features {
	f := features{score: c.Score, rel: c.Score / top, coverage: c.Coverage}
	if first {
		f.margin = margin
	}
	if dom == strong {
		f.strong = 1
	}
	return f
}

func logistic(f features) float64 {
	w := calibration
	z := w.bias + w.score*f.score + w.rel*f.rel + w.coverage*f.coverage + w.margin*f.margin + w.strong*f.strong
	return 1 / (1 + math.Exp(-z))
}
