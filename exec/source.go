package exec

import (
	"context"
	"fmt"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// Source deserializes Kafka records of one source into rows laid out as
// the source's schema. A record that cannot be deserialized is logged and
// skipped; a null value becomes a NullValue row.
type Source struct {
	base
	src                *planner.Source
	keySerde, valSerde format.Serde
	keyIdx, valIdx     []int
	hdrIdx             []int
	tsIdx              int
	tsParse            func(string) (int64, error)
	keyBuf, valBuf     []sqltypes.Value
	batch              Batch
	// slab holds the column values of the rows of the batch being
	// ingested, carved row by row (one allocation per batch, not per row).
	// A new slab is taken for every batch: downstream operators may keep a
	// row's Vals.
	slab []sqltypes.Value
}

var _ Operator = (*Source)(nil)

// NewSource returns the source operator of scan. tsParse parses a STRING
// TIMESTAMP column with the source's TIMESTAMP_FORMAT (may be nil when the
// source has none).
func NewSource(scan *planner.Scan, tsParse func(string) (int64, error)) (*Source, error) {
	src := scan.Source
	s := &Source{src: src, tsIdx: -1, tsParse: tsParse}
	for i, c := range src.Schema.Columns {
		switch c.NS {
		case sqltypes.NSKey:
			s.keyIdx = append(s.keyIdx, i)
		case sqltypes.NSValue:
			s.valIdx = append(s.valIdx, i)
		default:
			s.hdrIdx = append(s.hdrIdx, i)
		}
	}
	var err error
	if len(s.keyIdx) > 0 {
		if s.keySerde, err = format.NewKeySerde(src.KeyFormat, src.Schema.Key(), src.KeyOpts); err != nil {
			return nil, err
		}
	}
	if s.valSerde, err = format.NewValueSerde(src.ValueFormat, src.Schema.Value(), src.ValueOpts); err != nil {
		return nil, err
	}
	if src.TimestampColumn != "" {
		s.tsIdx = src.Schema.Find(src.TimestampColumn)
	}
	return s, nil
}

// Process is not used: a Source takes records through Ingest.
func (s *Source) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	return out.Collect(ctx, b)
}

// Ingest deserializes records and pushes the rows to out.
func (s *Source) Ingest(ctx context.Context, recs []Record, out Collector) error {
	s.batch.Rows = s.batch.Rows[:0]
	s.slab = make([]sqltypes.Value, len(recs)*len(s.src.Schema.Columns))
	for i := range recs {
		if row, ok := s.decode(&recs[i]); ok {
			s.batch.Rows = append(s.batch.Rows, row)
		}
	}
	s.slab = nil
	if len(s.batch.Rows) == 0 {
		return nil
	}
	err := out.Collect(ctx, &s.batch)
	// Drop the rows: a stale row would keep its batch's values alive.
	clear(s.batch.Rows)
	return err
}

func (s *Source) logRec(r *Record, format string, args ...any) {
	if s.env == nil || s.env.Log == nil {
		return
	}
	s.env.Log(LogEntry{QueryID: s.env.QueryID, Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Reason: fmt.Sprintf(format, args...)})
}

func (s *Source) decode(r *Record) (Row, bool) {
	row := Row{Vals: s.newVals(), Rowtime: r.Timestamp,
		Partition: r.Partition, Offset: r.Offset, Topic: r.Topic, Seq: r.Seq, Headers: r.Headers, Raw: r}
	if r.HasWindow {
		row.WindowStart, row.WindowEnd = r.WindowStart, r.WindowEnd
	}
	if len(s.keyIdx) > 0 && r.Key == nil {
		if s.src.Kind == parser.KindTable {
			// ksqlDB's table source skips records with a null key.
			s.logRec(r, "Skipping record with a null key from topic %s", r.Topic)
			return row, false
		}
		row.NullKey = true
	}
	if len(s.keyIdx) > 0 && r.Key != nil {
		vals, err := s.keySerde.Decode(r.Key, s.keyBuf[:0])
		if err != nil {
			s.logRec(r, "Error deserializing key from topic %s: %v", r.Topic, err)
			return row, false
		}
		s.keyBuf = vals
		for i, j := range s.keyIdx {
			if i < len(vals) {
				row.Vals[j] = vals[i]
			}
		}
	}
	if r.Value == nil {
		row.NullValue = true
		return row, true
	}
	vals, err := s.valSerde.Decode(r.Value, s.valBuf[:0])
	if err != nil {
		s.logRec(r, "Error deserializing value from topic %s: %v", r.Topic, err)
		return row, false
	}
	s.valBuf = vals
	for i, j := range s.valIdx {
		if i < len(vals) {
			row.Vals[j] = vals[i]
		}
	}
	for _, j := range s.hdrIdx {
		row.Vals[j] = headerValue(s.src.Schema.Columns[j], r.Headers)
	}
	if s.tsIdx >= 0 {
		ts, err := s.extractTimestamp(row.Vals[s.tsIdx])
		if err != nil {
			s.logRec(r, "Fatal user code error in TimestampExtractor callback for record: %v", err)
			return row, false
		}
		if ts < 0 {
			s.logRec(r, "Invalid timestamp %d for record: skipped", ts)
			return row, false
		}
		row.Rowtime = ts
	}
	return row, true
}

// newVals returns the zeroed values of a row, carved from the batch's
// slab (capacity-capped: appending to them cannot touch the next row's).
func (s *Source) newVals() []sqltypes.Value {
	n := len(s.src.Schema.Columns)
	if len(s.slab) < n {
		s.slab = make([]sqltypes.Value, 16*n)
	}
	v := s.slab[:n:n]
	s.slab = s.slab[n:]
	return v
}

func (s *Source) extractTimestamp(v sqltypes.Value) (int64, error) {
	switch x := v.(type) {
	case nil:
		return -1, nil
	case int64:
		return x, nil
	case sqltypes.Timestamp:
		return int64(x), nil
	case string:
		if s.tsParse == nil {
			return 0, fmt.Errorf("no TIMESTAMP_FORMAT to parse %q", x)
		}
		return s.tsParse(x)
	}
	return 0, fmt.Errorf("unsupported timestamp value %T", v)
}

// headerValue builds a HEADERS or HEADER('k') column from record headers.
func headerValue(c sqltypes.Column, hs []Header) sqltypes.Value {
	if c.HeaderKey != "" {
		var v sqltypes.Value
		for _, h := range hs {
			if h.Key == c.HeaderKey {
				v = nil
				if h.Value != nil {
					v = h.Value
				}
			}
		}
		return v
	}
	out := make([]sqltypes.Value, len(hs))
	for i, h := range hs {
		var v sqltypes.Value
		if h.Value != nil {
			v = h.Value
		}
		out[i] = &sqltypes.Struct{Vals: []sqltypes.Value{h.Key, v}}
	}
	return out
}
