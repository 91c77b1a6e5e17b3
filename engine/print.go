package engine

import (
	"context"

	"github.com/rql/rql/internal/printfmt"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
)

// print runs PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]: it reads
// the topic with a read_committed Reader (from its end, or its beginning)
// and writes, as ksqlDB does, the formats it detects ("Key format: ...",
// "Value format: ...", again whenever they change) and one line per
// record ("rowtime: ..., key: ..., value: ..., partition: n"), every
// INTERVAL-th record, until LIMIT records were written or ctx ends. over
// are Session.RunWith's properties (nil: the engine's), under which the
// statement is checked.
func (s *Session) print(ctx context.Context, p *parser.Print, over map[string]string, out Output) error {
	if _, _, err := s.e.planSession(p, over, replaceProps); err != nil {
		return err
	}
	interval := p.Interval
	if interval < 1 {
		interval = 1
	}
	opts := s.e.clientOpts()
	if p.FromBeginning {
		opts = append(opts, kafka.FromBeginning())
	}
	r, err := kafka.NewReader(ctx, p.Topic, opts...)
	if rqlerr.CodeOf(err) == rqlerr.KafkaTopicMissing {
		return rqlerr.New(rqlerr.KafkaTopicMissing, "Could not find topic '%s', or the KSQL user does not have "+
			"permissions to list the topic. Topic names are case-sensitive.", p.Topic)
	}
	if err != nil {
		return err
	}
	defer r.Close()
	line := out.Line
	if line == nil {
		line = func(string) error { return nil }
	}
	f := printfmt.New()
	var lastKey, lastValue string // the formats lines last written
	var polled, written int64
	for p.Limit <= 0 || written < p.Limit {
		fetch, err := r.Poll(ctx)
		if err != nil {
			return err
		}
		for _, fe := range fetch.Errors {
			if rqlerr.CodeOf(fe.Err) != rqlerr.KafkaRetriable {
				return fe.Err
			}
		}
		var lines []string
		for _, rec := range fetch.Records {
			text := f.Line(rec.Timestamp.UnixMilli(), rec.Key, rec.Value, rec.Partition)
			if polled%interval == 0 {
				written++
				lines = append(lines, text)
			}
			polled++
			if p.Limit > 0 && written >= p.Limit {
				break
			}
		}
		if len(fetch.Records) == 0 {
			continue
		}
		for _, fl := range []struct {
			last *string
			now  string
		}{{&lastKey, f.KeyFormats()}, {&lastValue, f.ValueFormats()}} {
			if *fl.last == fl.now {
				continue
			}
			*fl.last = fl.now
			if err := line(fl.now); err != nil {
				return err
			}
		}
		for _, l := range lines {
			if err := line(l); err != nil {
				return err
			}
		}
	}
	return nil
}
