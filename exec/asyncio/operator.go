package asyncio

import (
	"context"
	"sync"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Config names an enrichment for its dead letters, log entries and errors.
type Config struct {
	QueryID     string
	Function    string // the function's name
	SourceTopic string
}

// Operator runs an enrichment's calls. Submit, Poll, Ready, Drain,
// CommitOffsets, Checkpoint, Restore and DeadLetter belong to the task
// goroutine; Stats may be called from anywhere; Close from the task
// goroutine once it stops using the operator.
type Operator struct {
	fn   Func
	opts Options
	cfg  Config

	ctx    context.Context // cancelled by Close: stops workers and calls
	cancel context.CancelFunc
	jobs   chan *entry   // entries ready to run; capacity Buffer, so a send never blocks
	notify chan struct{} // capacity 1: results are ready
	wg     sync.WaitGroup
	bucket *bucket
	c      counters

	mu          sync.Mutex
	closed      bool
	inflight    int // entries submitted and not yet emitted
	maxInflight int
	parts       map[int32]*partState
	ready       []*entry // completed entries the task may emit, in emission order
	spare       []*entry
	keys        map[keyID][]*entry // KeyOrdered: waiting entries per key; present while a call of the key runs
	flights     map[string]*entry  // SingleFlight: leader per fingerprint
	cache       *cache
	skip        map[int32]map[int64]bool // Restore: offsets already emitted before a restart
}

type keyID struct {
	p int32
	k string
}

// entry is one input's life in the operator.
type entry struct {
	in        *Input
	fp        string // fingerprint of the arguments (cache / single flight)
	start     time.Time
	attempts  int
	val       sqltypes.Value
	err       error
	done      bool
	emitted   bool
	cached    bool
	followers []*entry // SingleFlight: identical calls waiting for this one
}

// partState tracks one partition's entries in submission order.
type partState struct {
	pending []*entry // from the lowest unemitted entry on; emitted ones are popped from the front
	next    int      // Ordered: index in pending of the first entry not yet moved to ready
	high    int64    // highest offset submitted (or skipped)
}

// New validates opts and starts the worker pool. ctx bounds the
// operator's life (cancelling it is like Close without waiting).
func New(ctx context.Context, fn Func, opts Options, cfg Config) (*Operator, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, rqlerr.Bug("asyncio.New without a function")
	}
	o := &Operator{fn: fn, opts: opts, cfg: cfg, jobs: make(chan *entry, opts.Buffer),
		notify: make(chan struct{}, 1), parts: map[int32]*partState{}}
	o.ctx, o.cancel = context.WithCancel(ctx)
	if opts.Order == KeyOrdered {
		o.keys = map[keyID][]*entry{}
	}
	if opts.SingleFlight {
		o.flights = map[string]*entry{}
	}
	if opts.CacheSize > 0 {
		o.cache = newCache(opts.CacheSize, opts.CacheTTL)
	}
	if opts.Rate > 0 {
		o.bucket = newBucket(opts.Rate, opts.RateBurst)
	}
	o.wg.Add(opts.Workers)
	for range opts.Workers {
		go o.worker()
	}
	context.AfterFunc(o.ctx, o.shut)
	return o, nil
}

// shut marks the operator closed and closes the job queue, which ends the
// workers once they finish their attempt. It runs once o.ctx is done
// (Close, or the cancellation of New's ctx). Every send to jobs happens
// under o.mu while the operator is open, so none can follow the close.
func (o *Operator) shut() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	close(o.jobs)
}

// Options returns the operator's validated options.
func (o *Operator) Options() Options { return o.opts }

// Ready is signalled when results may be ready for Poll; a task loop
// selects on it next to its consumer. A signal may be spurious.
func (o *Operator) Ready() <-chan struct{} { return o.notify }

func (o *Operator) signal() {
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

// Submit hands an input to the operator. When all Buffer slots are taken
// it blocks, calling emit for results as they become ready, until a slot
// frees or ctx is done. emit runs on the calling goroutine (see Poll).
// After Restore, an input whose offset was already emitted before the
// restart is skipped (no call, no result).
func (o *Operator) Submit(ctx context.Context, in *Input, emit func(*Result) error) error {
	waited := false
	for {
		o.mu.Lock()
		if o.closed {
			o.mu.Unlock()
			return rqlerr.New(rqlerr.EnrichClosed, "enrichment %s is closed", o.cfg.Function)
		}
		if o.skipped(in) {
			o.mu.Unlock()
			o.c.skipped.Add(1)
			return nil
		}
		if o.inflight < o.opts.Buffer {
			o.admit(in)
			o.mu.Unlock()
			return nil
		}
		o.mu.Unlock()
		if !waited {
			waited = true
			o.c.backpressure.Add(1)
		}
		n, err := o.Poll(emit)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		select {
		case <-o.notify:
		case <-ctx.Done():
			return ctx.Err()
		case <-o.ctx.Done():
			return rqlerr.New(rqlerr.EnrichClosed, "enrichment %s is closed", o.cfg.Function)
		}
	}
}

// admit registers a new entry (o.mu held) and starts it unless its key is
// busy.
func (o *Operator) admit(in *Input) {
	e := &entry{in: in, start: time.Now()}
	if o.cache != nil || o.flights != nil {
		e.fp = fingerprint(in.Args)
	}
	o.inflight++
	o.maxInflight = max(o.maxInflight, o.inflight)
	o.c.submitted.Add(1)
	ps := o.parts[in.Partition]
	if ps == nil {
		ps = &partState{high: -1}
		o.parts[in.Partition] = ps
	}
	ps.pending = append(ps.pending, e)
	ps.high = max(ps.high, in.Offset)
	if o.keys != nil {
		id := keyID{in.Partition, in.Key}
		if q, busy := o.keys[id]; busy {
			o.keys[id] = append(q, e)
			return
		}
		o.keys[id] = nil
	}
	o.start(e)
}

// start answers e from the cache, attaches it to an identical call in
// flight, or queues it for a worker (o.mu held).
func (o *Operator) start(e *entry) {
	if o.cache != nil {
		if v, ok := o.cache.get(e.fp, time.Now()); ok {
			o.c.cacheHits.Add(1)
			e.val, e.cached = v, true
			o.complete(e)
			return
		}
		o.c.cacheMisses.Add(1)
	}
	if o.flights != nil {
		if leader, ok := o.flights[e.fp]; ok {
			o.c.coalesced.Add(1)
			leader.followers = append(leader.followers, e)
			return
		}
		o.flights[e.fp] = e
	}
	o.dispatch(e)
}

// dispatch queues e for a worker (o.mu held). Entries in jobs never exceed
// the in-flight count, which never exceeds the channel's capacity.
func (o *Operator) dispatch(e *entry) {
	select {
	case o.jobs <- e:
	default:
		e.err = rqlerr.Bug("asyncio: job queue full with %d in flight", o.inflight)
		o.complete(e)
	}
}

// complete records e's outcome (o.mu held): it completes e's followers,
// fills the cache, moves results to ready in the order mode's order, and
// starts the next call of e's key.
func (o *Operator) complete(e *entry) {
	work := []*entry{e}
	for len(work) > 0 {
		e := work[len(work)-1]
		work = work[:len(work)-1]
		e.done = true
		for _, f := range e.followers {
			f.val, f.err, f.attempts = e.val, e.err, e.attempts
			work = append(work, f)
		}
		e.followers = nil
		if o.flights != nil && o.flights[e.fp] == e {
			delete(o.flights, e.fp)
		}
		if o.cache != nil && e.err == nil && !e.cached && e.attempts > 0 {
			o.cache.put(e.fp, e.val, time.Now())
		}
		if o.opts.Order == Ordered {
			ps := o.parts[e.in.Partition]
			for ps.next < len(ps.pending) && ps.pending[ps.next].done {
				o.ready = append(o.ready, ps.pending[ps.next])
				ps.next++
			}
		} else {
			o.ready = append(o.ready, e)
		}
		if o.keys != nil {
			id := keyID{e.in.Partition, e.in.Key}
			if q := o.keys[id]; len(q) > 0 {
				next := q[0]
				q[0] = nil
				o.keys[id] = q[1:]
				o.startNext(next, &work)
			} else {
				delete(o.keys, id)
			}
		}
	}
	o.signal()
}

// startNext starts a key's next entry; a cache hit completes it through
// the work list instead of recursing.
func (o *Operator) startNext(e *entry, work *[]*entry) {
	if o.cache != nil {
		if v, ok := o.cache.get(e.fp, time.Now()); ok {
			o.c.cacheHits.Add(1)
			e.val, e.cached = v, true
			*work = append(*work, e)
			return
		}
		o.c.cacheMisses.Add(1)
	}
	if o.flights != nil {
		if leader, ok := o.flights[e.fp]; ok {
			o.c.coalesced.Add(1)
			leader.followers = append(leader.followers, e)
			return
		}
		o.flights[e.fp] = e
	}
	o.dispatch(e)
}

// Poll emits every ready result through emit, on the calling (task)
// goroutine, and frees their slots; it returns how many it emitted. It
// never blocks. If emit fails, the results not yet emitted stay ready and
// the error is returned.
func (o *Operator) Poll(emit func(*Result) error) (int, error) {
	o.mu.Lock()
	batch := o.ready
	o.ready, o.spare = o.spare[:0], nil // workers append to ready while batch is emitted
	o.mu.Unlock()
	var r Result
	n := 0
	var err error
	for _, e := range batch {
		o.result(e, &r)
		if err = emit(&r); err != nil {
			break
		}
		n++
	}
	o.mu.Lock()
	for _, e := range batch[:n] {
		e.emitted = true
		o.inflight--
		ps := o.parts[e.in.Partition]
		for len(ps.pending) > 0 && ps.pending[0].emitted {
			ps.pending[0] = nil
			ps.pending = ps.pending[1:]
			if ps.next > 0 {
				ps.next--
			}
		}
		if cap(ps.pending) > 64 && len(ps.pending) < cap(ps.pending)/4 {
			ps.pending = append([]*entry(nil), ps.pending...)
		}
	}
	if n < len(batch) {
		o.ready = append(batch[n:len(batch):len(batch)], o.ready...)
	} else {
		clear(batch)
		o.spare = batch[:0]
	}
	o.mu.Unlock()
	o.c.emitted.Add(uint64(n))
	return n, err
}

// result fills r for a completed entry, applying the failure policy.
func (o *Operator) result(e *entry, r *Result) {
	*r = Result{In: e.in, Value: e.val, Err: e.err, Attempts: e.attempts, Cached: e.cached}
	if e.err == nil {
		r.Action = Emit
		return
	}
	r.Value = nil
	switch o.opts.OnFailure {
	case FailDrop:
		r.Action = Drop
		o.c.dropped.Add(1)
	case FailLog:
		r.Action = Log
		o.c.logged.Add(1)
	case FailNull:
		r.Action = EmitNull
		o.c.nulled.Add(1)
	case FailDLQ:
		r.Action = DeadLetter
		o.c.deadLettered.Add(1)
	default:
		r.Action = Fail
		o.c.failed.Add(1)
		r.Err = &rqlerr.Error{Code: rqlerr.EnrichFailed, Domain: rqlerr.External, Err: e.err,
			Msg: "enrichment " + o.cfg.Function + " failed for " + o.where(e.in) + " after " +
				itoa(e.attempts) + " attempt(s): " + e.err.Error()}
	}
}

// Drain emits results until nothing is in flight (the drain-on-commit
// strategy): afterwards every submitted input has been emitted, so the
// runtime may commit everything it consumed.
func (o *Operator) Drain(ctx context.Context, emit func(*Result) error) error {
	for {
		if _, err := o.Poll(emit); err != nil {
			return err
		}
		o.mu.Lock()
		n := o.inflight
		o.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-o.notify:
		case <-ctx.Done():
			return ctx.Err()
		case <-o.ctx.Done():
			return rqlerr.New(rqlerr.EnrichClosed, "enrichment %s is closed", o.cfg.Function)
		}
	}
}

// InFlight returns the number of inputs holding a slot.
func (o *Operator) InFlight() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.inflight
}

// Close cancels the calls in flight, stops the workers and waits for them.
// Results not yet emitted are discarded (their offsets were not committed,
// so they are consumed again after a restart). Close may be called more
// than once.
func (o *Operator) Close() error {
	o.cancel() // shut runs, then the workers end
	o.wg.Wait()
	return nil
}
