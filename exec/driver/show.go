package driver

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rql/rql/internal/printfmt"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
)

func (d *Driver) show(p *planner.ShowPlan) (Result, error) {
	switch p.What {
	case parser.ShowStreams, parser.ShowTables:
		want, kind := parser.KindStream, "SHOW_STREAMS"
		name := "Stream Name"
		if p.What == parser.ShowTables {
			want, kind, name = parser.KindTable, "SHOW_TABLES", "Table Name"
		}
		res := Result{Kind: kind, Columns: []string{name, "Kafka Topic", "Key Format", "Value Format", "Windowed"}}
		srcs := d.cat.Sources()
		sort.Slice(srcs, func(i, j int) bool { return srcs[i].Name < srcs[j].Name })
		for _, s := range srcs {
			if s.Kind == want {
				res.Rows = append(res.Rows, []string{s.Name, s.Topic, s.KeyFormat, s.ValueFormat, strconv.FormatBool(s.Window != nil)})
			}
		}
		return res, nil
	case parser.ShowTopics:
		res := Result{Kind: "SHOW_TOPICS", Columns: []string{"Kafka Topic", "Partitions", "Partition Replicas"}}
		for _, n := range d.Topics() {
			res.Rows = append(res.Rows, []string{n, strconv.Itoa(d.topics[n].partitions), "1"})
		}
		return res, nil
	case parser.ShowQueries:
		res := Result{Kind: "SHOW_QUERIES", Columns: []string{"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"}}
		for _, q := range d.cat.Queries() {
			topic := ""
			if s, ok := d.cat.SourceByName(q.Sink); ok {
				topic = s.Topic
			}
			res.Rows = append(res.Rows, []string{q.ID, "PERSISTENT", "RUNNING:1", q.Sink, topic, q.SQL})
		}
		return res, nil
	case parser.ShowFunctions:
		res := Result{Kind: "SHOW_FUNCTIONS", Columns: []string{"Function Name", "Category"}}
		for _, f := range d.reg.List() {
			res.Rows = append(res.Rows, []string{f.Name, f.Category})
		}
		return res, nil
	case parser.ShowProperties:
		res := Result{Kind: "SHOW_PROPERTIES", Columns: []string{"Property", "Value"}}
		keys := make([]string, 0, len(d.cat.Props))
		for k := range d.cat.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			res.Rows = append(res.Rows, []string{k, d.cat.Props[k]})
		}
		return res, nil
	case parser.ShowTypes:
		return ShowTypes(d.cat), nil
	case parser.ShowVariables:
		return ShowVariables(d.vars), nil
	}
	return Result{}, fmt.Errorf("unknown SHOW")
}

// ShowTypes renders SHOW TYPES: the custom types of cat, by name, with
// their schema. The Kafka engine answers it with the same rendering.
func ShowTypes(cat *planner.Catalog) Result {
	res := Result{Kind: "SHOW_TYPES", Columns: []string{"Type Name", "Schema"}}
	for _, n := range cat.Types() {
		t, _ := cat.Type(n)
		res.Rows = append(res.Rows, []string{n, t.String()})
	}
	return res
}

// ShowVariables renders SHOW VARIABLES: the substitution variables vars,
// sorted by name. The Kafka engine answers it with the same rendering.
func ShowVariables(vars map[string]string) Result {
	res := Result{Kind: "SHOW_VARIABLES", Columns: []string{"Variable Name", "Value"}}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		res.Rows = append(res.Rows, []string{n, vars[n]})
	}
	return res
}

// print renders PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n] as
// ksqlDB does (see internal/printfmt): the key and value formats detected
// from the records read, then one "rowtime: ..., key: ..., value: ...,
// partition: n" line per INTERVAL-th record, at most LIMIT of them. The
// driver reads the records the topic holds, from the beginning (FROM
// BEGINNING or not): nothing is produced while the statement runs. The
// lines are the Message, one per line (no Columns).
func (d *Driver) print(p *parser.Print) Result {
	res := Result{Kind: "PRINT"}
	t, ok := d.topics[p.Topic]
	if !ok {
		res.Message = "Could not find topic '" + p.Topic + "'"
		return res
	}
	f := printfmt.New()
	var lines []string
	for i, r := range t.records {
		if p.Limit > 0 && int64(len(lines)) >= p.Limit {
			break
		}
		line := f.Line(r.Timestamp, recordKey(r), r.Value, r.Partition)
		if p.Interval > 1 && int64(i)%p.Interval != 0 {
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return res
	}
	res.Message = strings.Join(append([]string{f.KeyFormats(), f.ValueFormats()}, lines...), "\n")
	return res
}

// recordKey is the key as it is on the topic: a windowed record's key
// carries its window (start; for sessions, end then start) after the key.
func recordKey(r Record) []byte {
	if r.Window == nil || r.Key == nil {
		return r.Key
	}
	k := append([]byte(nil), r.Key...)
	if r.Window.Type == "SESSION" {
		k = binary.BigEndian.AppendUint64(k, uint64(r.Window.End))
	}
	return binary.BigEndian.AppendUint64(k, uint64(r.Window.Start))
}
