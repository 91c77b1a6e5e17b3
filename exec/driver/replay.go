package driver

import "sort"

// pending returns the records already in topics that a newly started
// query reads, in the order a Kafka Streams task would pick them from
// several partitions: by timestamp, ties in topic order then offset. A
// join started over existing data thus sees its inputs interleaved in time
// (one topic: its records in offset order). Topics named twice count once.
func (d *Driver) pending(topics []string) []Record {
	type rec struct {
		r     Record
		topic int
		seq   int
	}
	var all []rec
	seen := map[string]bool{}
	for i, name := range topics {
		if seen[name] {
			continue
		}
		seen[name] = true
		t, ok := d.topics[name]
		if !ok {
			continue
		}
		for j, r := range t.records {
			all = append(all, rec{r: r, topic: i, seq: j})
		}
	}
	if len(seen) > 1 {
		sort.SliceStable(all, func(a, b int) bool {
			x, y := all[a], all[b]
			if x.r.Timestamp != y.r.Timestamp {
				return x.r.Timestamp < y.r.Timestamp
			}
			if x.topic != y.topic {
				return x.topic < y.topic
			}
			return x.seq < y.seq
		})
	}
	out := make([]Record, len(all))
	for i, x := range all {
		out[i] = x.r
	}
	return out
}
