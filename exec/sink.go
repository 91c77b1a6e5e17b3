package exec

import (
	"context"

	"github.com/rql/rql/format"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// Sink serializes rows into records of the target's topic and hands them
// to a RecordSink. A row that cannot be serialized is logged and dropped.
// The record timestamp is the row's ROWTIME, or the sink's TIMESTAMP column.
type Sink struct {
	base
	target             *planner.Source
	keySerde, valSerde format.Serde
	keyIdx, valIdx     []int
	tsIdx              int
	tsParse            func(string) (int64, error)
	emit               RecordSink
	keyBuf, valBuf     []sqltypes.Value
	// bytes holds the serialized keys and values handed to emit.
	bytes byteArena
}

var _ Operator = (*Sink)(nil)

// NewSink builds the sink operator of n, emitting into emit.
func NewSink(n *planner.Sink, emit RecordSink, tsParse func(string) (int64, error)) (*Sink, error) {
	t := n.Target
	s := &Sink{target: t, tsIdx: n.TimestampIndex, emit: emit, tsParse: tsParse}
	for i, c := range t.Schema.Columns {
		if c.NS == sqltypes.NSKey {
			s.keyIdx = append(s.keyIdx, i)
		} else if c.NS == sqltypes.NSValue {
			s.valIdx = append(s.valIdx, i)
		}
	}
	var err error
	if len(s.keyIdx) > 0 {
		if s.keySerde, err = format.NewKeySerde(t.KeyFormat, t.Schema.Key(), t.KeyOpts); err != nil {
			return nil, err
		}
	}
	if s.valSerde, err = format.NewValueSerde(t.ValueFormat, t.Schema.Value(), t.ValueOpts); err != nil {
		return nil, err
	}
	return s, nil
}

// Process serializes b.
func (s *Sink) Process(ctx context.Context, _ int, b *Batch, _ Collector) error {
	for i := range b.Rows {
		r := &b.Rows[i]
		rec := Record{Topic: s.target.Topic, Timestamp: r.Rowtime, Headers: r.Headers}
		if s.target.Window != nil {
			rec.HasWindow, rec.WindowStart, rec.WindowEnd = true, r.WindowStart, r.WindowEnd
		}
		if len(s.keyIdx) > 0 {
			s.keyBuf = s.keyBuf[:0]
			allNull := true
			for _, j := range s.keyIdx {
				s.keyBuf = append(s.keyBuf, r.Vals[j])
				allNull = allNull && r.Vals[j] == nil
			}
			// A null input key stays null; so does a single NULL key
			// column. Several NULL key columns are a key of NULLs.
			if !r.NullKey && (!allNull || len(s.keyIdx) > 1) {
				k, err := s.bytes.encode(s.keySerde, s.keyBuf)
				if err != nil {
					s.env.log(r, "Error serializing key for topic "+s.target.Topic+": "+err.Error())
					continue
				}
				rec.Key = k
			}
		}
		if !r.NullValue {
			s.valBuf = s.valBuf[:0]
			for _, j := range s.valIdx {
				s.valBuf = append(s.valBuf, r.Vals[j])
			}
			v, err := s.bytes.encode(s.valSerde, s.valBuf)
			if err != nil {
				s.env.log(r, "Error serializing value for topic "+s.target.Topic+": "+err.Error())
				continue
			}
			rec.Value = v
		}
		if s.tsIdx >= 0 {
			ts, ok := s.timestamp(r.Vals[s.tsIdx])
			if !ok {
				s.env.log(r, "Invalid timestamp in column "+s.target.TimestampColumn)
				continue
			}
			rec.Timestamp = ts
		}
		if err := s.emit.Emit(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sink) timestamp(v sqltypes.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, x >= 0
	case sqltypes.Timestamp:
		return int64(x), x >= 0
	case string:
		if s.tsParse == nil {
			return 0, false
		}
		ts, err := s.tsParse(x)
		return ts, err == nil && ts >= 0
	}
	return 0, false
}
