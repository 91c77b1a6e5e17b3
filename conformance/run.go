package conformance

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/rqlerr"
)

// Status is the outcome of one case.
type Status string

// The statuses: fail means rql ran the case and disagreed with it; error
// means the case could not be run to the end (a panic, a timeout, no
// engine).
const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Error Status = "error"
)

// Result is the outcome of one case. Reason says precisely why a case did
// not pass (which statement, topic or record, expected versus actual).
type Result struct {
	ID      string        `json:"id"`
	Area    string        `json:"area"`
	Status  Status        `json:"status"`
	Reason  string        `json:"reason,omitempty"`
	Elapsed time.Duration `json:"-"`
}

// DefaultTimeout bounds one case when Runner.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Runner runs cases. The zero Runner uses the in-process test driver.
type Runner struct {
	// Engine makes the engine of each case (nil: DriverEngine).
	Engine EngineFactory
	// Timeout bounds one case (zero: DefaultTimeout).
	Timeout time.Duration
}

// Outcome is what running a case's statements and inputs did.
type Outcome struct {
	Engine Engine
	// Results of the statements that ran, in order.
	Results []driver.Result
	// Failed is the index in Case.Statements of the statement that failed
	// (-1 if none) and Err its error.
	Failed int
	Err    error
	// ProduceErr is the error of the first input the engine refused.
	ProduceErr error
	// Produced counts the inputs produced per topic.
	Produced map[string]int
	// inputs marks, per topic, the indexes in Records(topic) of the
	// records that are the case's inputs.
	inputs map[string]map[int]bool
}

// Run runs c and compares. It never panics: a panic or a timeout becomes
// an Error result.
func (r *Runner) Run(ctx context.Context, c *Case) Result {
	start := time.Now()
	res := r.guard(ctx, func(ctx context.Context) Result {
		return r.executeThen(ctx, c, func(o *Outcome) Result {
			st, reason := Check(c, o)
			return Result{Status: st, Reason: reason}
		})
	})
	res.ID, res.Area, res.Elapsed = c.ID, c.Area, time.Since(start)
	return res
}

// executeThen executes c and returns then's result on the outcome, before
// it closes the outcome's engine (when it has a Close method); an error
// executing c is an Error result.
func (r *Runner) executeThen(ctx context.Context, c *Case, then func(*Outcome) Result) Result {
	o, err := r.Execute(ctx, c)
	if o != nil {
		if cl, ok := o.Engine.(interface{ Close() error }); ok {
			defer cl.Close()
		}
	}
	if err != nil {
		return Result{Status: Error, Reason: err.Error()}
	}
	return then(o)
}

// guard runs fn with the runner's timeout, turning panics and timeouts
// into Error results.
func (r *Runner) guard(ctx context.Context, fn func(context.Context) Result) Result {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Result{Status: Error, Reason: fmt.Sprintf("panic: %v\n%s", p, firstFrames(debug.Stack(), 12))}
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case res := <-done:
		return res
	case <-ctx.Done():
		return Result{Status: Error, Reason: fmt.Sprintf("timeout after %s", timeout)}
	}
}

// firstFrames keeps the first n lines of a stack trace after the panic
// machinery.
func firstFrames(stack []byte, n int) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			lines = lines[i:]
			break
		}
	}
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// Execute makes a fresh engine, runs c's statements one by one, in order
// (stopping at the first failing one) and then produces c's inputs in file order. It
// returns an error only when the case cannot be run at all (no engine, an
// input that cannot be encoded); statement failures are in the Outcome.
// It does not guard against panics: call it through Run, or recover.
func (r *Runner) Execute(ctx context.Context, c *Case) (*Outcome, error) {
	factory := r.Engine
	if factory == nil {
		factory = DriverEngine
	}
	eng, err := factory(c.PropertyStrings())
	if err != nil {
		return nil, fmt.Errorf("cannot create engine: %w", err)
	}
	o := &Outcome{Engine: eng, Failed: -1, Produced: map[string]int{}}
	line := 0
	for i, s := range c.Statements {
		// Each statement sits on the lines it would occupy in a script of
		// all statements joined by newlines, as ksqlDB's harness runs them,
		// so that error positions ("line 2:40") agree.
		res, err := eng.Execute(ctx, strings.Repeat("\n", line)+s)
		line += strings.Count(s, "\n") + 1
		o.Results = append(o.Results, res...)
		if err != nil {
			o.Failed, o.Err = i, err
			return o, nil
		}
	}
	codecs := newCodecs(eng)
	for i := range c.Inputs {
		in := &c.Inputs[i]
		rec, err := encodeInput(in, codecs)
		if err != nil {
			return o, fmt.Errorf("input %d (topic %s): %w", i+1, in.Topic, err)
		}
		at := len(eng.Records(in.Topic))
		if err := eng.Produce(ctx, rec); err != nil {
			o.ProduceErr = fmt.Errorf("input %d (topic %s): %w", i+1, in.Topic, err)
			break
		}
		o.Produced[in.Topic]++
		o.markInput(in.Topic, at)
	}
	return o, nil
}

// encodeInput turns a test input into a driver record.
func encodeInput(in *Record, codecs *codecs) (driver.Record, error) {
	kc, vc := codecs.forTopic(in.Topic)
	key, err := kc.encode(in.Key)
	if err != nil {
		return driver.Record{}, err
	}
	val, err := vc.encode(in.Value)
	if err != nil {
		return driver.Record{}, err
	}
	ts, err := in.TimestampMillis()
	if err != nil {
		return driver.Record{}, err
	}
	rec := driver.Record{Topic: in.Topic, Key: key, Value: val, Timestamp: ts}
	if in.Window != nil {
		rec.Window = &driver.Window{Start: in.Window.Start, End: in.Window.End, Type: strings.ToUpper(in.Window.Type)}
	}
	for _, h := range in.Headers {
		dh := driver.Header{Key: h.Key}
		if h.Value != nil {
			if dh.Value, err = base64.StdEncoding.DecodeString(*h.Value); err != nil {
				return driver.Record{}, fmt.Errorf("header %s: %w", h.Key, err)
			}
		}
		rec.Headers = append(rec.Headers, dh)
	}
	return rec, nil
}

// codecs caches the key and value codecs of each topic.
type codecs struct {
	eng Engine
	m   map[string][2]*codec
}

func newCodecs(eng Engine) *codecs { return &codecs{eng: eng, m: map[string][2]*codec{}} }

// forTopic returns the codecs of the first source declared on topic (raw
// JSON codecs when there is none).
func (cs *codecs) forTopic(topic string) (key, value *codec) {
	if p, ok := cs.m[topic]; ok {
		return p[0], p[1]
	}
	srcs := cs.eng.SourcesForTopic(topic)
	if len(srcs) > 0 {
		key, value = keyCodec(srcs[0]), valueCodec(srcs[0])
	} else {
		key, value = keyCodec(nil), valueCodec(nil)
	}
	cs.m[topic] = [2]*codec{key, value}
	return key, value
}

// Check compares what running c did with what c expects.
func Check(c *Case, o *Outcome) (Status, string) {
	if c.ExpectedError != nil {
		return checkExpectedError(c, o)
	}
	if o.Err != nil {
		return Fail, fmt.Sprintf("statement %d failed: %s (statement: %s)", o.Failed+1, describeErr(o.Err), abbreviate(c.Statements[o.Failed], 160))
	}
	if o.ProduceErr != nil {
		return Fail, "producing inputs failed: " + describeErr(o.ProduceErr)
	}
	if reason := compareOutputs(c, o.Engine); reason != "" {
		return Fail, reason
	}
	if reason := checkPost(c, o.Engine); reason != "" {
		return Fail, reason
	}
	return Pass, ""
}

// checkExpectedError: the first failing statement must fail with a message
// containing the expected one; when every statement succeeded, a failure
// while producing the inputs or a processing-log entry may carry it.
func checkExpectedError(c *Case, o *Outcome) (Status, string) {
	want := c.ExpectedError.Message
	if o.Err != nil {
		for _, text := range errorTexts(o.Err) {
			if strings.Contains(text, want) {
				return Pass, ""
			}
		}
		return Fail, fmt.Sprintf("statement %d failed with %q; expected an error containing %q", o.Failed+1, describeErr(o.Err), want)
	}
	if o.ProduceErr != nil && strings.Contains(o.ProduceErr.Error(), want) {
		return Pass, ""
	}
	var logged []string
	for _, e := range o.Engine.ProcessingLog() {
		if strings.Contains(e.Reason, want) {
			return Pass, ""
		}
		logged = append(logged, e.Reason)
	}
	reason := fmt.Sprintf("expected an error containing %q, but every statement succeeded", want)
	if o.ProduceErr != nil {
		reason += "; producing inputs failed with " + describeErr(o.ProduceErr)
	}
	if len(logged) > 0 {
		reason += fmt.Sprintf("; processing log: %q", logged[0])
	}
	return Fail, reason
}

// errorTexts returns the renderings of err an expected message may be
// found in: its text ("line 2, column 13: Source `X` does not exist."),
// and for a positioned error, ksqlDB's rendering of the same position and
// message, which puts the location in front of the message as
// "Line: 2, Col: 13: Source `X` does not exist.".
func errorTexts(err error) []string {
	texts := []string{err.Error()}
	var e *rqlerr.Error
	if errors.As(err, &e) && e.Pos.IsValid() {
		msg := e.Msg
		if msg == "" && e.Err != nil {
			msg = e.Err.Error()
		}
		texts = append(texts, fmt.Sprintf("Line: %d, Col: %d: %s", e.Pos.Line, e.Pos.Col, msg))
	}
	return texts
}

// describeErr prints an error with its rql code.
func describeErr(err error) string {
	if code := rqlerr.CodeOf(err); code != "" {
		return string(code) + ": " + err.Error()
	}
	return err.Error()
}

func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
