package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rql/rql/exec/driver"
)

// block is a piece of an entity's TABULAR rendering: a table or text.
type block struct {
	table *driver.Result
	text  string
}

// renderEntity turns a ksqlDB REST entity (one element of /ksql's
// answer) into what the shell prints, as ksqlDB's CLI does: a message for
// a command status, tables for SHOW / LIST / DESCRIBE, EXPLAIN's plan and
// topology as text (indentation kept). An entity of an unknown type is
// shown as the table of its first array of objects, else as JSON.
func renderEntity(raw json.RawMessage) []block {
	v, err := decodeOrdered(raw)
	if err != nil {
		return []block{{text: string(raw)}}
	}
	o, ok := v.(*object)
	if !ok {
		return []block{{text: compactJSON(v)}}
	}
	typ, _ := o.get("@type").(string)
	switch typ {
	case "currentStatus":
		if cs, ok := o.get("commandStatus").(*object); ok {
			return []block{{text: str(cs.get("message"))}}
		}
	case "streams", "tables":
		kind := "Stream"
		if typ == "tables" {
			kind = "Table"
		}
		return []block{tableOf(o.get(typ), []string{kind + " Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"},
			[]string{"name", "topic", "keyFormat", "valueFormat", "isWindowed"})}
	case "queries":
		return []block{tableOf(o.get("queries"), []string{"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"},
			[]string{"id", "queryType", "state", "sinks", "sinkKafkaTopics", "queryString"})}
	case "kafka_topics", "kafka_topics_extended":
		return []block{tableOf(o.get("topics"), []string{"Kafka Topic", "Partitions", "Partition Replicas"},
			[]string{"name", "replicaInfo", "replicaInfo"}, topicCells)}
	case "function_names":
		return []block{tableOf(o.get("functions"), []string{"Function Name", "Category"}, []string{"name", "category"})}
	case "properties":
		return []block{tableOf(o.get("properties"), []string{"Property", "Scope", "Value"}, []string{"name", "scope", "value"})}
	case "sourceDescription":
		if sd, ok := o.get("sourceDescription").(*object); ok {
			return describeSource(sd)
		}
	case "sourceDescriptions", "source_descriptions":
		var out []block
		if arr, ok := o.get("sourceDescriptions").([]any); ok {
			for _, x := range arr {
				if sd, ok := x.(*object); ok {
					out = append(out, describeSource(sd)...)
				}
			}
		}
		return out
	case "queryDescription":
		if qd, ok := o.get("queryDescription").(*object); ok {
			return describeQuery(qd)
		}
	case "describe_function":
		return describeFunction(o)
	case "variables":
		return []block{tableOf(o.get("variables"), []string{"Variable Name", "Value"}, []string{"name", "value"})}
	case "type_list":
		r := &driver.Result{Columns: []string{"Type Name", "Schema"}}
		if ts, ok := o.get("types").(*object); ok {
			for _, k := range ts.keys {
				sch, _ := ts.get(k).(*object)
				t := ""
				if sch != nil {
					t = schemaText(sch)
				}
				r.Rows = append(r.Rows, []string{k, t})
			}
		}
		return []block{{table: r}}
	case "rql_table": // rql's tabular result with no ksqlDB shape
		r := &driver.Result{}
		for _, c := range asArray(o.get("columns")) {
			r.Columns = append(r.Columns, str(c))
		}
		for _, row := range asArray(o.get("rows")) {
			var cells []string
			for _, c := range asArray(row) {
				cells = append(cells, str(c))
			}
			r.Rows = append(r.Rows, cells)
		}
		out := []block{{table: r}}
		if msg := str(o.get("message")); msg != "" {
			out = append([]block{{text: msg}}, out...)
		}
		return out
	}
	if msg, ok := o.get("message").(string); ok && msg != "" {
		return []block{{text: msg}}
	}
	for _, k := range o.keys {
		if arr, ok := o.vals[k].([]any); ok && len(arr) > 0 {
			if first, ok := arr[0].(*object); ok {
				return []block{tableOf(arr, first.keys, first.keys)}
			}
		}
	}
	return []block{{text: compactJSON(v)}}
}

// tableOf tabulates an array of objects: one row per object, one column
// per field (header, field name); cell may compute a cell instead.
func tableOf(v any, header, fields []string, cell ...func(o *object, col int) string) block {
	r := &driver.Result{Columns: header}
	arr, _ := v.([]any)
	for _, x := range arr {
		o, ok := x.(*object)
		if !ok {
			continue
		}
		row := make([]string, len(fields))
		for i, f := range fields {
			if len(cell) > 0 {
				row[i] = cell[0](o, i)
			} else {
				row[i] = str(o.get(f))
			}
		}
		r.Rows = append(r.Rows, row)
	}
	return block{table: r}
}

// topicCells renders a kafka_topics row: name, partition count, replicas.
func topicCells(o *object, col int) string {
	reps, _ := o.get("replicaInfo").([]any)
	switch col {
	case 0:
		return str(o.get("name"))
	case 1:
		return fmt.Sprint(len(reps))
	}
	if len(reps) == 0 {
		return ""
	}
	return str(reps[0])
}

func describeSource(sd *object) []block {
	kind := "STREAM"
	if t := str(sd.get("type")); t != "" {
		kind = t
	}
	head := fmt.Sprintf("Name                 : %s\nType                 : %s", str(sd.get("name")), kind)
	for _, kv := range [][2]string{{"Kafka topic", "topic"}, {"Key format", "keyFormat"}, {"Value format", "valueFormat"},
		{"Timestamp field", "timestamp"}, {"Statement", "statement"}} {
		if s := str(sd.get(kv[1])); s != "" {
			head += fmt.Sprintf("\n%-21s: %s", kv[0], s)
		}
	}
	fields := &driver.Result{Columns: []string{"Field", "Type"}}
	arr, _ := sd.get("fields").([]any)
	for _, x := range arr {
		f, ok := x.(*object)
		if !ok {
			continue
		}
		typ := ""
		if s, ok := f.get("schema").(*object); ok {
			typ = schemaText(s)
		}
		switch str(f.get("type")) {
		case "KEY":
			typ += " (key)"
		case "HEADER":
			typ += " (header)"
		}
		fields.Rows = append(fields.Rows, []string{str(f.get("name")), typ})
	}
	out := []block{{text: head}, {table: fields}}
	for _, q := range []string{"readQueries", "writeQueries"} {
		if qs, ok := sd.get(q).([]any); ok && len(qs) > 0 {
			out = append(out, tableOf(qs, []string{"Query ID (" + q + ")", "Query String"}, []string{"id", "queryString"}))
		}
	}
	return out
}

// schemaText renders a ksqlDB field schema {type, fields, memberSchema}.
func schemaText(s *object) string {
	typ := str(s.get("type"))
	switch typ {
	case "ARRAY":
		if m, ok := s.get("memberSchema").(*object); ok {
			return "ARRAY<" + schemaText(m) + ">"
		}
	case "MAP":
		if m, ok := s.get("memberSchema").(*object); ok {
			return "MAP<STRING, " + schemaText(m) + ">"
		}
	case "STRUCT":
		fs, _ := s.get("fields").([]any)
		var parts []string
		for _, x := range fs {
			if f, ok := x.(*object); ok {
				sub, _ := f.get("schema").(*object)
				t := ""
				if sub != nil {
					t = schemaText(sub)
				}
				parts = append(parts, fmt.Sprintf("`%s` %s", str(f.get("name")), t))
			}
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	}
	return typ
}

func describeQuery(qd *object) []block {
	var b strings.Builder
	for _, kv := range [][2]string{{"ID", "id"}, {"Query Type", "queryType"}, {"SQL", "statementText"}, {"Status", "state"}} {
		if s := str(qd.get(kv[1])); s != "" {
			fmt.Fprintf(&b, "%-11s: %s\n", kv[0], s)
		}
	}
	var out []block
	if b.Len() > 0 {
		out = append(out, block{text: strings.TrimRight(b.String(), "\n")})
	}
	printed := map[string]bool{}
	for _, kv := range [][2]string{{"Execution plan", "executionPlan"}, {"Processing topology", "topology"}} {
		if s := str(qd.get(kv[1])); s != "" && !printed[s] {
			printed[s] = true
			out = append(out, block{text: kv[0] + "\n" + strings.Repeat("-", len(kv[0])) + "\n" + strings.TrimRight(s, "\n")})
		}
	}
	return out
}

func describeFunction(o *object) []block {
	head := fmt.Sprintf("Name        : %s", str(o.get("name")))
	if d := str(o.get("description")); d != "" {
		head += "\nOverview    : " + d
	}
	if t := str(o.get("type")); t != "" {
		head += "\nType        : " + t
	}
	variants := &driver.Result{Columns: []string{"Variation", "Returns", "Description"}}
	fs, _ := o.get("functions").([]any)
	for _, x := range fs {
		f, ok := x.(*object)
		if !ok {
			continue
		}
		var args []string
		as, _ := f.get("arguments").([]any)
		for _, a := range as {
			if ao, ok := a.(*object); ok {
				args = append(args, strings.TrimSpace(str(ao.get("name"))+" "+str(ao.get("type"))))
			}
		}
		variants.Rows = append(variants.Rows, []string{str(o.get("name")) + "(" + strings.Join(args, ", ") + ")",
			str(f.get("returnType")), str(f.get("description"))})
	}
	return []block{{text: head}, {table: variants}}
}

// object is a JSON object that remembers its keys' order.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) any { return o.vals[k] }

// MarshalJSON writes the object with its keys in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// decodeOrdered decodes JSON with numbers as json.Number and objects as
// *object.
func decodeOrdered(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[k]; !dup {
				o.keys = append(o.keys, k)
			}
			o.vals[k] = v
		}
		_, err := d.Token()
		return o, err
	case json.Delim('['):
		arr := []any{}
		for d.More() {
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := d.Token()
		return arr, err
	}
	return t, nil
}

// str renders a JSON value as a table cell: strings as they are, null as
// empty, arrays of strings joined with ", ", others as compact JSON.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			} else {
				return compactJSON(v)
			}
		}
		return strings.Join(parts, ", ")
	}
	return compactJSON(v)
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}

// cellText renders a value of a query row as the table shows it: null as
// "null", strings as they are, others as compact JSON.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return compactJSON(v)
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// jsonIndent writes raw JSON indented, its keys in their order.
func jsonIndent(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
