package conformance

import (
	"context"
	"strings"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// fakeEngine is a scripted engine: a statement containing "FAIL" fails, one
// containing "PANIC" panics, one containing "HANG" blocks until ctx ends;
// every record produced to "input" is copied to "OUTPUT" after transform.
type fakeEngine struct {
	topics    map[string][]driver.Record
	sources   map[string]*planner.Source
	transform func(driver.Record) driver.Record
	log       []driver.LogEntry
}

func newFake(srcs ...*planner.Source) *fakeEngine {
	f := &fakeEngine{topics: map[string][]driver.Record{}, sources: map[string]*planner.Source{}}
	for _, s := range srcs {
		f.sources[s.Name] = s
	}
	return f
}

func (f *fakeEngine) factory() EngineFactory {
	return func(map[string]string) (Engine, error) { return f, nil }
}

func (f *fakeEngine) Execute(ctx context.Context, sql string) ([]driver.Result, error) {
	switch {
	case strings.Contains(sql, "FAIL"):
		return nil, rqlerr.At(rqlerr.BindUnknownColumn, rqlerr.Pos{Line: 1, Col: 8, Offset: 7}, "Column 'X' cannot be resolved.")
	case strings.Contains(sql, "PANIC"):
		panic("boom")
	case strings.Contains(sql, "HANG"):
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return []driver.Result{{Kind: "CREATE_STREAM", Message: "ok"}}, nil
}

func (f *fakeEngine) Produce(ctx context.Context, r driver.Record) error {
	r.Offset = int64(len(f.topics[r.Topic]))
	f.topics[r.Topic] = append(f.topics[r.Topic], r)
	if r.Topic == "input" {
		out := r
		out.Topic = "OUTPUT"
		if f.transform != nil {
			out = f.transform(out)
		}
		out.Offset = int64(len(f.topics["OUTPUT"]))
		f.topics["OUTPUT"] = append(f.topics["OUTPUT"], out)
	}
	return nil
}

func (f *fakeEngine) Records(topic string) []driver.Record { return f.topics[topic] }
func (f *fakeEngine) ProcessingLog() []driver.LogEntry     { return f.log }

func (f *fakeEngine) Topics() []string { return sortedKeys(f.topics) }

func (f *fakeEngine) SourceByName(name string) (*planner.Source, bool) {
	s, ok := f.sources[name]
	return s, ok
}

func (f *fakeEngine) SourcesForTopic(topic string) []*planner.Source {
	var out []*planner.Source
	for _, n := range sortedKeys(f.sources) {
		if f.sources[n].Topic == topic {
			out = append(out, f.sources[n])
		}
	}
	return out
}

// jsonSource is a stream with a STRING key in JSON and the given value
// columns, in JSON (or another value format).
func jsonSource(name, topic, valueFormat string, cols ...sqltypes.Column) *planner.Source {
	all := append([]sqltypes.Column{{Name: "K", Type: sqltypes.String, NS: sqltypes.NSKey}}, cols...)
	return &planner.Source{Name: name, Topic: topic, Schema: &sqltypes.Schema{Columns: all},
		KeyFormat: "JSON", ValueFormat: valueFormat}
}
