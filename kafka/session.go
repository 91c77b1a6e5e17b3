package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Session is one member of a consumer group paired with one producer: the
// consume → process → produce cycle of a persistent query (shaped after
// franz-go's GroupTransactSession). The cycle is
//
//	Begin; repeat { Poll; process; Produce }; End(commit)
//
// End(true) commits the records produced since Begin together with the
// offsets of every record Poll returned since the last End. When End does
// not commit (End(false), a rebalance, an abortable error), the session
// rewinds its partitions so the records returned since the last End are
// delivered again by Poll; the caller must discard whatever it derived
// from them (state writes, buffered output).
type Session interface {
	// Poll returns the next records of the assigned partitions, waiting
	// at most PollWait for some (an empty Fetch then). Cancelling ctx
	// stops it with ctx's error. Rebalance callbacks run inside Poll.
	Poll(ctx context.Context) (Fetch, error)
	// Begin starts a transaction (under at-least-once: a cycle).
	Begin() error
	// Produce writes records in the open transaction. It returns once
	// they are queued, not delivered; End waits for delivery.
	Produce(ctx context.Context, recs ...*Record) error
	// End ends the transaction, committing when commit is true and
	// nothing prevents it; committed says whether it did. After an error
	// the session is usable again unless errors.Is(err,
	// rqlerr.KafkaFatal).
	End(ctx context.Context, commit bool) (committed bool, err error)
}

var _ Session = (*TxnSession)(nil)

// TxnSession implements Session on confluent-kafka-go: a consumer with
// isolation.level=read_committed and no auto commit, and a producer that
// is transactional (ExactlyOnceV2: EOS v2, one transactional.id per
// member, offsets sent with SendOffsetsToTransaction and the consumer's
// group metadata, so a zombie member is fenced by the group generation) or
// idempotent (AtLeastOnce: offsets committed after every produced record
// is acknowledged).
//
// Rebalances: OnAssigned and OnRevoked run inside Poll (and Close). When
// partitions are revoked or lost while records consumed since the last End
// are uncommitted, the open cycle can no longer commit: End then aborts
// (under at-least-once: skips the offset commit), returns committed=false
// with a nil error, and rewinds the partitions still assigned. Revoked
// partitions are not rewound; their new owner resumes at the committed
// offset.
//
// Errors: End classifies once. A retriable failure of the commit is
// retried until ctx's deadline (RequestTimeout when ctx has none); an
// abortable one (librdkafka's TxnRequiresAbort, a failed delivery) aborts,
// rewinds and is returned as rqlerr.KafkaTxnAbort; a fatal one (fenced
// producer) is returned as rqlerr.KafkaFatal, and the session must be
// closed.
//
// A TxnSession is used by one goroutine at a time.
type TxnSession struct {
	cfg *cfg
	c   *ck.Consumer
	p   *ck.Producer
	eos bool

	inTxn      bool
	rebalanced bool                     // partitions revoked with uncommitted records since the last End
	rebalances int                      // rebalance callbacks run so far
	spans      map[TopicPartition]*span // records returned since the last End
	commitAt   map[TopicPartition]int64 // SetCommitOffset of the open cycle
	floor      map[TopicPartition]int64 // committed offsets below the position (see SetCommitOffset)
	assigned   map[TopicPartition]bool
	// held are the partitions held by the caller (session_flow.go).
	held   map[TopicPartition]*hold
	cbCtx  context.Context // ctx of the Poll or Close running callbacks
	fatal  error
	closed bool
	// closing is set when the consumer's close begins: the rebalance
	// callback may then run on closeConsumer's goroutine, even after Close
	// returned (an abandoned close), and calls no OnAssigned / OnRevoked.
	closing atomic.Bool

	mu      sync.Mutex
	failure error // first failed delivery (or fatal error) of the open cycle
}

// flushMark is sent through the producer's events channel behind every
// event queued so far; the drain goroutine closes it.
type flushMark chan struct{}

func (flushMark) String() string { return "flush mark" }

// span is the offsets of the records of one partition returned by Poll
// since the last End: first is where to rewind to, next is the offset to
// commit.
type span struct{ first, next int64 }

// NewSession joins the consumer group and, under exactly-once, initializes
// the transactional producer (fencing an older producer with the same
// transactional.id and aborting its open transaction). Options used:
// BootstrapServers, ClientID, Property(ies), PropertiesFile, Group (required),
// Topics (required), OffsetReset, ProcessingGuarantee, TransactionalID,
// InstanceID, TransactionTimeout, RequestTimeout, PollWait,
// MaxPollRecords, OnAssigned, OnRevoked, LogFunc.
func NewSession(ctx context.Context, opts ...Opt) (*TxnSession, error) {
	c := newCfg(opts)
	cm, err := c.validate(kindConsumer)
	if err != nil {
		return nil, err
	}
	pm, err := c.validate(kindProducer)
	if err != nil {
		return nil, err
	}
	if err := c.validateSession(); err != nil {
		return nil, err
	}
	s := &TxnSession{cfg: c, eos: c.g == ExactlyOnceV2,
		spans: map[TopicPartition]*span{}, assigned: map[TopicPartition]bool{}, cbCtx: ctx}

	// No per-record delivery reports (each costs confluent-kafka-go a cgo
	// event and a Message). Under exactly-once, CommitTransaction fails
	// (abortably) when any record of the transaction was not delivered.
	// At-least-once learns that every record is acknowledged from Flush
	// (librdkafka's queue drained); a record that cannot be delivered is
	// never dropped silently: records never time out (message.timeout.ms=0:
	// retried until delivered) and any other permanent failure raises a
	// fatal error (enable.gapless.guarantee), which End returns and which
	// stops the query before its offsets pass the record — as Kafka
	// Streams' default production exception handler fails the thread.
	pm["go.delivery.reports"] = false
	if !s.eos {
		pm["enable.gapless.guarantee"] = true
		pm["message.timeout.ms"] = 0
	}
	if s.eos {
		id := c.txnID
		if id == "" {
			var b [6]byte
			_, _ = rand.Read(b[:])
			id = c.group + "-" + hex.EncodeToString(b[:])
		}
		pm["transactional.id"] = id
		pm["transaction.timeout.ms"] = int(c.txnTO / time.Millisecond)
	}
	if s.p, err = ck.NewProducer(&pm); err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating producer")
	}
	go drainEvents(s.p.Events(), s.onProducerEvent)
	c.startLogs(s.p.Logs())
	if s.eos {
		if err := s.retry(ctx, "initializing transactions", s.p.InitTransactions); err != nil {
			s.p.Close()
			return nil, err
		}
	}

	cm["group.id"] = c.group
	cm["enable.auto.commit"] = false
	cm["enable.auto.offset.store"] = false
	cm["isolation.level"] = "read_committed"
	if c.instance != "" {
		cm["group.instance.id"] = c.instance
	}
	if s.c, err = ck.NewConsumer(&cm); err != nil {
		s.p.Close()
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating consumer")
	}
	c.startLogs(s.c.Logs())
	if err := s.c.SubscribeTopics(c.topics, s.rebalance); err != nil {
		s.c.Close()
		s.p.Close()
		return nil, classify(err, "subscribing")
	}
	return s, nil
}

// onProducerEvent runs on the goroutine draining the producer's events:
// a fatal producer error fails the session (see NewSession on delivery).
func (s *TxnSession) onProducerEvent(ev ck.Event) {
	switch e := ev.(type) {
	case flushMark:
		close(e)
	case ck.Error:
		if e.IsFatal() {
			s.mu.Lock()
			s.failure = asFatal(classify(e, "producer"))
			s.mu.Unlock()
		}
	}
}

func (s *TxnSession) takeFailure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.failure
	s.failure = nil
	return err
}

// nextCycle forgets a non-fatal failure of the cycle that ended.
func (s *TxnSession) nextCycle() {
	s.mu.Lock()
	if !errors.Is(s.failure, rqlerr.KafkaFatal) {
		s.failure = nil
	}
	s.mu.Unlock()
}

// rebalance is the consumer's rebalance callback; confluent-kafka-go
// performs the (incremental) assign or unassign after it returns.
// Partitions OnAssigned held (Hold) are assigned like the others, not
// paused: they are paused at their first record (session_flow.go).
func (s *TxnSession) rebalance(c *ck.Consumer, ev ck.Event) error {
	if s.closing.Load() {
		return nil
	}
	s.rebalances++
	switch e := ev.(type) {
	case ck.AssignedPartitions:
		tps := toTPs(e.Partitions)
		for _, tp := range tps {
			s.assigned[tp] = true
		}
		if s.cfg.onAssigned != nil {
			s.cfg.onAssigned(s.cbCtx, tps)
		}
	case ck.RevokedPartitions:
		tps := toTPs(e.Partitions)
		if s.cfg.onRevoked != nil {
			s.cfg.onRevoked(s.cbCtx, tps, c.AssignmentLost())
		}
		for _, tp := range tps {
			if s.spans[tp] != nil {
				s.rebalanced = true
			}
			delete(s.spans, tp)
			delete(s.assigned, tp)
			delete(s.floor, tp)
			delete(s.commitAt, tp)
			s.unhold(c, tp)
		}
		if s.inTxn {
			s.rebalanced = true
		}
	}
	return nil
}

// Assigned returns the partitions assigned to the session now.
func (s *TxnSession) Assigned() []TopicPartition {
	out := make([]TopicPartition, 0, len(s.assigned))
	for tp := range s.assigned {
		out = append(out, tp)
	}
	return out
}

// Poll implements Session.
func (s *TxnSession) Poll(ctx context.Context) (Fetch, error) {
	if err := s.usable(); err != nil {
		return Fetch{}, err
	}
	s.cbCtx = ctx
	f, err := pollBatch(ctx, s.c, s.cfg.pollWait, s.cfg.maxPoll, s.track)
	if err != nil && rqlerr.CodeOf(err) == rqlerr.KafkaFatal {
		s.fatal = err
	}
	return f, err
}

// track records that r was returned to the caller.
func (s *TxnSession) track(r *Record) {
	tp := TopicPartition{Topic: r.Topic, Partition: r.Partition}
	if len(s.held) > 0 && s.skipHeld(tp, r.Offset) {
		return // not the caller's to process or commit yet (Hold)
	}
	if sp := s.spans[tp]; sp != nil {
		sp.next = r.Offset + 1
		return
	}
	s.spans[tp] = &span{first: r.Offset, next: r.Offset + 1}
}

func (s *TxnSession) usable() error {
	switch {
	case s.closed:
		return rqlerr.Bug("kafka session used after Close")
	case s.fatal != nil:
		return s.fatal
	}
	return nil
}

// Begin implements Session.
func (s *TxnSession) Begin() error {
	if err := s.usable(); err != nil {
		return err
	}
	if s.inTxn {
		return rqlerr.Bug("kafka session: Begin inside a transaction")
	}
	if s.eos {
		if err := s.p.BeginTransaction(); err != nil {
			return s.noteFatal(classify(err, "beginning a transaction"))
		}
	}
	s.inTxn = true
	return nil
}

// Produce implements Session. Records with a Partition < 0 are
// partitioned by key.
func (s *TxnSession) Produce(ctx context.Context, recs ...*Record) error {
	if err := s.usable(); err != nil {
		return err
	}
	if !s.inTxn {
		return rqlerr.Bug("kafka session: Produce outside a transaction")
	}
	for _, r := range recs {
		if err := produceOne(ctx, s.p, toMessage(r), nil); err != nil {
			return s.noteFatal(err)
		}
	}
	return nil
}

// ProduceBeside is Produce for a goroutine other than the session's, while
// the session's goroutine is inside Poll or not using the session at all
// (never during Begin, End, Close or another Produce): it adds recs to the
// open transaction, which the caller guarantees, and reads no session
// state. Its error goes back to the session's goroutine, which must not End
// with commit after one.
func (s *TxnSession) ProduceBeside(ctx context.Context, recs ...*Record) error {
	for _, r := range recs {
		if err := produceOne(ctx, s.p, toMessage(r), nil); err != nil {
			return err
		}
	}
	return nil
}

// End implements Session.
func (s *TxnSession) End(ctx context.Context, commit bool) (bool, error) {
	if err := s.usable(); err != nil {
		return false, err
	}
	if !s.inTxn {
		return false, rqlerr.Bug("kafka session: End without Begin")
	}
	ctx, cancel := s.cfg.opContext(ctx)
	defer cancel()
	var cause error
	if commit && !s.rebalanced {
		var err error
		if s.eos {
			err = s.commitTxn(ctx)
		} else {
			err = s.commitALO(ctx)
		}
		if err == nil {
			s.committedFloors()
			s.finish()
			return true, nil
		}
		if errors.Is(err, rqlerr.KafkaFatal) {
			return false, s.noteFatal(err)
		}
		cause = err
	}
	if s.eos {
		// A fresh deadline: ctx may have run out on a failed commit.
		actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.reqTO)
		err := s.retry(actx, "aborting a transaction", s.p.AbortTransaction)
		acancel()
		if err != nil {
			return false, s.noteFatal(asFatal(err))
		}
	}
	if err := s.rewind(); err != nil {
		return false, s.noteFatal(asFatal(err))
	}
	s.finish()
	if cause != nil && s.eos {
		cause = &rqlerr.Error{Code: rqlerr.KafkaTxnAbort, Domain: rqlerr.External,
			Msg: "transaction aborted: " + cause.Error(), Err: cause}
	}
	return false, cause
}

func (s *TxnSession) finish() {
	s.nextCycle()
	s.inTxn = false
	s.rebalanced = false
	clear(s.spans)
	clear(s.commitAt)
}

// commitTxn sends the consumed offsets to the transaction and commits it.
func (s *TxnSession) commitTxn(ctx context.Context) error {
	if err := s.takeFailure(); err != nil {
		return err
	}
	if offs := s.offsets(); len(offs) > 0 {
		md, err := s.c.GetConsumerGroupMetadata()
		if err != nil {
			return classify(err, "reading consumer group metadata")
		}
		err = s.retry(ctx, "sending offsets to the transaction", func(ctx context.Context) error {
			return s.p.SendOffsetsToTransaction(ctx, offs, md)
		})
		if err != nil {
			return err
		}
	}
	if err := s.retry(ctx, "committing a transaction", s.p.CommitTransaction); err != nil {
		return err
	}
	return nil
}

// commitALO waits until every produced record is acknowledged, then
// commits the consumed offsets.
//
// Flush returns 0 once librdkafka holds no undelivered record and the
// events channel is empty; an error event the drain goroutine has taken
// off the channel may still be in its hands, so a flushMark sent through
// the same channel (FIFO) and closed by that goroutine proves every
// earlier event handled.
func (s *TxnSession) commitALO(ctx context.Context) error {
	waitErr := func(err error) error {
		return rqlerr.Wrap(rqlerr.KafkaRetriable, err, "waiting for produced records")
	}
	for s.p.Flush(int(pollSlice/time.Millisecond)) > 0 {
		if err := ctx.Err(); err != nil {
			return waitErr(err)
		}
	}
	mark := make(flushMark)
	select {
	case s.p.Events() <- mark:
	case <-ctx.Done():
		return waitErr(ctx.Err())
	}
	select {
	case <-mark:
	case <-ctx.Done():
		return waitErr(ctx.Err())
	}
	if err := s.takeFailure(); err != nil {
		return err
	}
	// The fatal error event can still be on its way from librdkafka's
	// queue to the events channel behind the mark (confluent-kafka-go's
	// poller moves it); librdkafka's own fatal state is set before the
	// failed record leaves the queue Flush drained.
	if err := s.p.GetFatalError(); err != nil {
		return asFatal(classify(err, "producer"))
	}
	if offs := s.offsets(); len(offs) > 0 {
		if _, err := s.c.CommitOffsets(offs); err != nil {
			return classify(err, "committing offsets")
		}
	}
	return nil
}

// offsets returns the offsets to commit: for each partition still
// assigned, the offset after the last record returned, or the one given
// to SetCommitOffset.
func (s *TxnSession) offsets() []ck.TopicPartition {
	out := make([]ck.TopicPartition, 0, len(s.spans)+len(s.commitAt))
	add := func(tp TopicPartition, off int64) {
		topic := tp.Topic
		out = append(out, ck.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: ck.Offset(off)})
	}
	for tp, sp := range s.spans {
		if !s.assigned[tp] {
			continue
		}
		if off, ok := s.commitAt[tp]; ok {
			add(tp, min(off, sp.next))
			continue
		}
		add(tp, sp.next)
	}
	for tp, off := range s.commitAt {
		if s.assigned[tp] && s.spans[tp] == nil {
			add(tp, off)
		}
	}
	return out
}

// rewind seeks every assigned partition with uncommitted records back to
// the first of them (or to its floor, see SetCommitOffset, when lower),
// so that Poll returns them again.
func (s *TxnSession) rewind() error {
	var tps []ck.TopicPartition
	add := func(tp TopicPartition, off int64) {
		topic := tp.Topic
		tps = append(tps, ck.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: ck.Offset(off)})
	}
	for tp, sp := range s.spans {
		if !s.assigned[tp] {
			continue
		}
		off := sp.first
		if f, ok := s.floor[tp]; ok && f < off {
			off = f
		}
		add(tp, off)
	}
	for tp, f := range s.floor {
		if s.assigned[tp] && s.spans[tp] == nil {
			add(tp, f)
		}
	}
	if len(tps) == 0 {
		return nil
	}
	res, err := s.c.SeekPartitions(tps)
	if err != nil {
		return classify(err, "rewinding partitions")
	}
	for _, r := range res {
		if r.Error != nil {
			return classify(r.Error, "rewinding partitions")
		}
	}
	return nil
}

// retry calls fn until it succeeds, fails with a non-retriable error or
// ctx's deadline passes (librdkafka: "on timeout the application may call
// the function again").
func (s *TxnSession) retry(ctx context.Context, what string, fn func(context.Context) error) error {
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if !retriable(err) || ctx.Err() != nil {
			return classify(err, what)
		}
		select {
		case <-ctx.Done():
			return classify(err, what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// noteFatal remembers a fatal err so that every later call returns it.
func (s *TxnSession) noteFatal(err error) error {
	if errors.Is(err, rqlerr.KafkaFatal) {
		s.fatal = err
	}
	return err
}

// asFatal marks err fatal: the session cannot know where it stands.
func asFatal(err error) error {
	if errors.Is(err, rqlerr.KafkaFatal) {
		return err
	}
	return &rqlerr.Error{Code: rqlerr.KafkaFatal, Domain: rqlerr.External, Msg: err.Error(), Err: err}
}

// Close aborts an open transaction, leaves the group (running OnRevoked)
// and releases both clients. ctx bounds the abort, the leave and the
// producer's flush. It may be called more than once.
//
// Close never blocks forever: after the leave (bounded by ctx), the
// consumer's close gets RequestTimeout of its own; a consumer whose close
// does not finish by then is abandoned (its goroutine and librdkafka
// handle are leaked) and Close returns a KafkaRetriable error. OnAssigned
// and OnRevoked are not called once the consumer's close began (a
// revocation left for it is the caller's to clean up, as after a crash).
func (s *TxnSession) Close(ctx context.Context) error {
	if s.closed {
		return nil
	}
	ctx, cancel := s.cfg.opContext(ctx)
	defer cancel()
	s.cbCtx = ctx
	var first error
	if s.inTxn && s.fatal == nil && s.eos {
		first = s.retry(ctx, "aborting a transaction", s.p.AbortTransaction)
	}
	s.inTxn = false
	if err := s.leave(ctx); err != nil && first == nil {
		first = err
	}
	s.closing.Store(true)
	if err := s.closeConsumer(s.cfg.reqTO); err != nil && first == nil {
		first = err
	}
	s.p.Flush(s.cfg.timeoutMs(ctx))
	s.p.Close()
	s.closed = true
	return first
}

// leave unsubscribes and polls until the session holds no partition and a
// poll brings no event, so that the consumer's close has no rebalance left
// to run. librdkafka v2.15 can hang forever in rd_kafka_assign when the
// application applies an assignment or revocation after the consumer began
// closing and its group handler already ended (confluentinc/librdkafka#4884;
// seen here when another member's leave started a rebalance just before
// Close). Leaving first is also what makes a static member
// (group.instance.id) leave at once: librdkafka sends no LeaveGroup when a
// static member closes (KIP-345: a restart should not move partitions), so
// the group would wait session.timeout.ms before handing them over. A
// member that crashes still rejoins under its instance id without a
// rebalance. Records polled here are dropped: they are not committed.
func (s *TxnSession) leave(ctx context.Context) error {
	if err := s.c.Unsubscribe(); err != nil {
		return classify(err, "leaving the group")
	}
	for ctx.Err() == nil {
		n := s.rebalances
		ev := s.c.Poll(int(pollSlice / time.Millisecond))
		if ev == nil && n == s.rebalances && len(s.assigned) == 0 {
			return nil
		}
	}
	return rqlerr.Wrap(rqlerr.KafkaRetriable, ctx.Err(), "leaving the group: still assigned %d partition(s)", len(s.assigned))
}

// closeConsumer closes the consumer, or abandons it when its close does not
// finish within d (see Close).
func (s *TxnSession) closeConsumer(d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- s.c.Close() }()
	select {
	case err := <-done:
		if err != nil {
			return classify(err, "closing consumer")
		}
		return nil
	case <-time.After(d):
		return rqlerr.New(rqlerr.KafkaRetriable, "closing consumer: librdkafka did not finish in %s; the consumer was abandoned", d)
	}
}
