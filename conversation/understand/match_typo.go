package understand

import (
	"maps"
	"slices"
	"sync"
)

// typoIndex finds known words within a small edit distance of a word by
// symmetric deletion: two words are close if deleting up to k letters from
// each makes them equal, which costs a few map lookups instead of a scan
// of the vocabulary.
type typoIndex struct {
	once  sync.Once // builds the index on first use
	head  map[string]int32
	next  []int32
	word  []int32
	words []lexWord
}

func (x *typoIndex) build(words []lexWord) {
	x.head = map[string]int32{}
	seen := map[string]bool{}
	for id, w := range words {
		// Only words of the knowledge base itself are targets: the
		// synonym lists hold everyday words ("father") that a typo of
		// another everyday word ("gather") would land on.
		if w.stop || w.count == 0 || len(w.word) < 4 || len(w.word) > maxTokenBytes || !isASCII(w.word) || w.term == [2]int32{-1, -1} {
			continue
		}
		clear(seen)
		addDeletes(w.word, seen)
		if len(w.word) >= 6 {
			for _, d := range slices.Collect(maps.Keys(seen)) {
				addDeletes(d, seen)
			}
		}
		for d := range seen {
			x.word = append(x.word, int32(id))
			h, ok := x.head[d]
			if !ok {
				h = -1
			}
			x.next = append(x.next, h)
			x.head[d] = int32(len(x.word) - 1)
		}
	}
}

// addDeletes adds w and every string one deletion away from it.
func addDeletes(w string, into map[string]bool) {
	into[w] = true
	for i := range len(w) {
		into[w[:i]+w[i+1:]] = true
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maxTypos is how many letters a word of n letters may have wrong: short
// words have too many neighbours to be corrected safely.
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// correct returns the known word closest to tok and its distance, or -1.
func (x *typoIndex) correct(tok []byte) (id int32, dist int) {
	if x.words != nil {
		x.once.Do(func() { x.build(x.words) })
	}
	k := maxTypos(len(tok))
	if k == 0 || x.head == nil || !isASCII(string(tok)) {
		return -1, 0
	}
	best, bestD := int32(-1), k+1
	try := func(key []byte) {
		for e, ok := x.head[string(key)]; ok && e >= 0; e = x.next[e] {
			cand := x.word[e]
			if cand == best {
				continue
			}
			d := osaDistance(tok, x.words[cand].word, k)
			if d < bestD || d == bestD && best >= 0 && x.better(cand, best) {
				best, bestD = cand, d
			}
		}
	}
	var buf [maxTokenBytes]byte
	try(tok)
	for i := range tok {
		b := append(append(buf[:0], tok[:i]...), tok[i+1:]...)
		try(b)
		if k < 2 {
			continue
		}
		for j := i; j < len(b); j++ {
			var buf2 [maxTokenBytes]byte
			c := append(append(buf2[:0], b[:j]...), b[j+1:]...)
			try(c)
		}
	}
	if best < 0 || bestD > k {
		return -1, 0
	}
	return best, bestD
}

func (x *typoIndex) better(a, b int32) bool {
	wa, wb := &x.words[a], &x.words[b]
	if wa.count != wb.count {
		return wa.count > wb.count
	}
	return wa.word < wb.word
}

// osaDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions, the most common typing slip), giving up with
// limit+1 once the distance must exceed limit.
func osaDistance(a []byte, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	if len(a) > maxTokenBytes || len(b) > maxTokenBytes {
		return limit + 1
	}
	var r0, r1, r2 [maxTokenBytes + 1]int
	prev2, prev, cur := r0[:len(b)+1], r1[:len(b)+1], r2[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	prevMin := 0
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		// A transposition reaches back two rows, so only two hopeless
		// rows in a row prove the distance exceeds the limit.
		if rowMin > limit && prevMin > limit {
			return limit + 1
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
