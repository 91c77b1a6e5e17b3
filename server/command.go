package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/rqlerr"
)

// command is one record of the command topic (JSON in the record value;
// the record key is CommandID).
type command struct {
	Version int `json:"version"`
	// Statement is the statement's text as the user wrote it; Variables
	// are the variables ${name} in it was substituted with.
	Statement string            `json:"statement,omitempty"`
	Variables map[string]string `json:"variables,omitempty"`
	// Properties are the properties in effect for the statement (the
	// server's, the request's and the request's SETs before it).
	Properties map[string]string `json:"properties,omitempty"`
	// QuerySeq is the catalog's persistent-query sequence number before
	// the statement ran (planner.Catalog.QuerySeq).
	QuerySeq  int    `json:"querySeq"`
	CommandID string `json:"commandId,omitempty"`
	// Origin is the server instance that executed the statement first; it
	// skips the command when it reads it back.
	Origin string `json:"origin"`
	// Nonce identifies the record, so that its writer learns its offset.
	Nonce string `json:"nonce"`
	// Marker commands carry no statement: a starting server writes one and
	// replays the topic up to it.
	Marker bool `json:"marker,omitempty"`
}

// commandTopic names the command topic of a service id, as ksqlDB names
// its own.
func commandTopic(serviceID string) string { return "_" + serviceID + "_command_topic" }

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// commandLog appends commands to the command topic and follows it,
// handing every command read to apply, in topic order.
type commandLog struct {
	topic  string
	prod   *kafka.Producer
	reader *kafka.Reader
	log    *slog.Logger

	mu      sync.Mutex
	last    int64                 // offset of the last command handled, -1 before
	waiters map[string]chan int64 // nonce → offset, for Append
	moved   chan struct{}         // closed and replaced whenever last moves
	err     error                 // the error that stopped follow
}

// openCommandLog creates the command topic when missing and opens its
// producer and a reader from its beginning.
func openCommandLog(ctx context.Context, admin *kafka.Admin, topic string, log *slog.Logger, opts []kafka.Opt) (*commandLog, error) {
	err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: 1,
		Configs: map[string]string{"cleanup.policy": "delete", "retention.ms": "-1"}})
	if err != nil && rqlerr.CodeOf(err) != rqlerr.KafkaTopicExists {
		return nil, err
	}
	prod, err := kafka.NewProducer(append(opts, kafka.Property("linger.ms", "0"))...)
	if err != nil {
		return nil, err
	}
	var r *kafka.Reader
	for i := 0; ; i++ { // a freshly created topic may take a moment to show in metadata
		r, err = kafka.NewReader(ctx, topic, append(opts, kafka.FromBeginning(), kafka.PollWait(50*time.Millisecond),
			kafka.Property("fetch.wait.max.ms", "20"))...)
		if err == nil || rqlerr.CodeOf(err) != rqlerr.KafkaTopicMissing || i == 50 || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		prod.Close(ctx)
		return nil, err
	}
	return &commandLog{topic: topic, prod: prod, reader: r, log: log, last: -1,
		waiters: map[string]chan int64{}, moved: make(chan struct{})}, nil
}

// write appends c (under the caller's ordering) and returns a function
// that waits until follow has handled it and returns its offset, or -1
// when ctx ends first (the command is written all the same).
func (l *commandLog) write(ctx context.Context, c command) (wait func(context.Context) int64, err error) {
	c.Version = 1
	if c.Nonce == "" {
		c.Nonce = randomID(8)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, rqlerr.Bug("encoding a command: %v", err)
	}
	ch := make(chan int64, 1)
	l.mu.Lock()
	l.waiters[c.Nonce] = ch
	l.mu.Unlock()
	forget := func() {
		l.mu.Lock()
		delete(l.waiters, c.Nonce)
		l.mu.Unlock()
	}
	key := c.CommandID
	if key == "" {
		key = c.Nonce
	}
	if err := l.prod.Produce(ctx, &kafka.Record{Topic: l.topic, Partition: 0, Key: []byte(key), Value: b}); err != nil {
		forget()
		return nil, err
	}
	return func(ctx context.Context) int64 {
		defer forget()
		select {
		case off := <-ch:
			return off
		case <-ctx.Done():
			return -1
		}
	}, nil
}

// append writes c and waits for its offset (see write).
func (l *commandLog) append(ctx context.Context, c command) (int64, error) {
	wait, err := l.write(ctx, c)
	if err != nil {
		return -1, err
	}
	return wait(ctx), nil
}

// follow reads the topic until ctx ends, calling apply with every command
// and its offset in order. A record that is not a command is logged and
// skipped.
func (l *commandLog) follow(ctx context.Context, apply func(c command, offset int64)) {
	for ctx.Err() == nil {
		f, err := l.reader.Poll(ctx)
		if err != nil {
			if ctx.Err() == nil {
				l.log.Error("command topic: reading stopped", "topic", l.topic, "err", err)
				l.mu.Lock()
				l.err = err
				l.mu.Unlock()
			}
			return
		}
		for _, fe := range f.Errors {
			if rqlerr.CodeOf(fe.Err) != rqlerr.KafkaRetriable {
				l.log.Warn("command topic: fetch error", "topic", l.topic, "err", fe.Err)
			}
		}
		for _, rec := range f.Records {
			var c command
			if err := json.Unmarshal(rec.Value, &c); err != nil {
				l.log.Warn("command topic: skipping a record that is not a command", "offset", rec.Offset, "err", err)
			} else {
				apply(c, rec.Offset)
			}
			l.mu.Lock()
			l.last = rec.Offset
			if ch, ok := l.waiters[c.Nonce]; ok && c.Nonce != "" {
				ch <- rec.Offset
				delete(l.waiters, c.Nonce)
			}
			close(l.moved)
			l.moved = make(chan struct{})
			l.mu.Unlock()
		}
	}
}

// waitFor returns once the command at offset has been handled, or ctx
// ended (its error).
func (l *commandLog) waitFor(ctx context.Context, offset int64) error {
	for {
		l.mu.Lock()
		last, moved, err := l.last, l.moved, l.err
		l.mu.Unlock()
		if last >= offset {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// position returns the offset of the last command handled (-1: none).
func (l *commandLog) position() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

func (l *commandLog) close(ctx context.Context) {
	l.reader.Close()
	l.prod.Close(ctx)
}
