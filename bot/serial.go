package bot

import (
	"sync"
)

// Serializer runs jobs strictly in order per key while different keys run
// in parallel, at most limit at a time: front ends use it to handle each
// user's messages in order while users proceed in parallel. A key's
// goroutine lives only while the key has work queued.
type Serializer struct {
	mu     sync.Mutex
	queues map[string][]func()
	slots  chan struct{}
	wg     sync.WaitGroup
}

// NewSerializer runs at most limit keys at once.
func NewSerializer(limit int) *Serializer {
	return &Serializer{queues: map[string][]func(){}, slots: make(chan struct{}, limit)}
}

// Do queues job behind the key's earlier jobs.
func (s *Serializer) Do(key string, job func()) {
	s.mu.Lock()
	q, running := s.queues[key]
	s.queues[key] = append(q, job)
	if !running {
		s.wg.Add(1)
		go s.drain(key)
	}
	s.mu.Unlock()
}

func (s *Serializer) drain(key string) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		q := s.queues[key]
		if len(q) == 0 {
			delete(s.queues, key)
			s.mu.Unlock()
			return
		}
		job := q[0]
		q[0] = nil
		s.queues[key] = q[1:]
		s.mu.Unlock()

		s.slots <- struct{}{}
		job()
		<-s.slots
	}
}

// Wait blocks until every queued job has run.
func (s *Serializer) Wait() { s.wg.Wait() }
