package telegram

import (
	"sync"
)

// serializer runs jobs strictly in order per key while different keys run
// in parallel, at most limit at a time. A key's goroutine lives only while
// the key has work queued.
type serializer struct {
	mu     sync.Mutex
	queues map[string][]func()
	slots  chan struct{}
	wg     sync.WaitGroup
}

func newSerializer(limit int) *serializer {
	return &serializer{queues: map[string][]func(){}, slots: make(chan struct{}, limit)}
}

// Do queues job behind the key's earlier jobs.
func (s *serializer) Do(key string, job func()) {
	s.mu.Lock()
	q, running := s.queues[key]
	s.queues[key] = append(q, job)
	if !running {
		s.wg.Add(1)
		go s.drain(key)
	}
	s.mu.Unlock()
}

func (s *serializer) drain(key string) {
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
func (s *serializer) Wait() { s.wg.Wait() }
