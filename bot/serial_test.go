package bot_test

import (
	"sync"
	"testing"

	"github.com/clavebot/clavebot/bot"
)

func TestSerializerKeepsOrderPerKey(t *testing.T) {
	s := bot.NewSerializer(4)
	var mu sync.Mutex
	got := map[string][]int{}
	for i := range 200 {
		key := []string{"a", "b", "c"}[i%3]
		s.Do(key, func() {
			mu.Lock()
			got[key] = append(got[key], i)
			mu.Unlock()
		})
	}
	s.Wait()
	for key, seq := range got {
		for j := 1; j < len(seq); j++ {
			if seq[j] < seq[j-1] {
				t.Fatalf("key %s out of order: %v", key, seq)
			}
		}
	}
	if len(got["a"])+len(got["b"])+len(got["c"]) != 200 {
		t.Errorf("lost jobs: %v", got)
	}
}
