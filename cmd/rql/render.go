package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/chzyer/readline"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/sqltypes"
)

// column is a column of a query's output: its name as the query wrote it,
// its SQL type's name, and (when known) the type.
type column struct {
	Name, Type string
	typ        *sqltypes.Type
}

// printer prints what statements produce in the shell's output format:
// TABULAR (tables, messages, push-query rows in a table that grows) or
// JSON (OUTPUT JSON: one JSON document per result; a query's header
// {"queryId","columnNames","columnTypes"} then one JSON array per row, as
// /query-stream sends them). A printer is used by one goroutine.
type printer struct {
	w    io.Writer
	json bool
	// screenWidth returns the terminal width (0: unknown).
	screenWidth func() int

	st *streamTable // the query whose rows are printing (TABULAR)
}

func newPrinter(w io.Writer) *printer {
	return &printer{w: w, screenWidth: readline.GetScreenWidth}
}

// format returns the output format's name.
func (p *printer) format() string {
	if p.json {
		return "JSON"
	}
	return "TABULAR"
}

// result prints a statement's result: a table (SHOW, DESCRIBE, EXPLAIN,
// pull queries) or its message.
func (p *printer) result(r driver.Result) {
	p.end("")
	if p.json {
		if r.Message != "" || len(r.Columns) > 0 {
			p.printJSON(resultJSON(r))
		}
		return
	}
	if len(r.Columns) > 0 {
		printTable(p.w, r.Columns, r.Rows)
		return
	}
	if r.Message != "" {
		fmt.Fprintln(p.w, r.Message)
	}
}

// entity prints a ksqlDB REST entity (an element of /ksql's answer): as
// it came under OUTPUT JSON, else as the table or text it stands for.
func (p *printer) entity(raw json.RawMessage) {
	p.end("")
	if p.json {
		p.printJSON(raw)
		return
	}
	for _, b := range renderEntity(raw) {
		switch {
		case b.table != nil:
			printTable(p.w, b.table.Columns, b.table.Rows)
		default:
			fmt.Fprintln(p.w, b.text)
		}
	}
}

// begin starts printing a query's rows: the header, with the column
// names as written.
func (p *printer) begin(queryID string, cols []column) {
	p.end("")
	if p.json {
		h := struct {
			QueryID     string   `json:"queryId,omitempty"`
			ColumnNames []string `json:"columnNames"`
			ColumnTypes []string `json:"columnTypes"`
		}{QueryID: queryID, ColumnNames: []string{}, ColumnTypes: []string{}}
		for _, c := range cols {
			h.ColumnNames = append(h.ColumnNames, c.Name)
			h.ColumnTypes = append(h.ColumnTypes, c.Type)
		}
		b, _ := json.Marshal(h)
		fmt.Fprintln(p.w, string(b))
		return
	}
	p.st = newStreamTable(p.w, cols, p.screenWidth())
}

// row prints a row of the running query: text are its values as the
// table shows them, vals as JSON values.
func (p *printer) row(text []string, vals []any) {
	if p.json {
		b, err := json.Marshal(vals)
		if err != nil {
			b, _ = json.Marshal(text)
		}
		fmt.Fprintln(p.w, string(b))
		return
	}
	if p.st != nil {
		p.st.row(text)
	}
}

// line prints a line of text (PRINT's output).
func (p *printer) line(s string) {
	fmt.Fprintln(p.w, s)
}

// end closes the running query's table, if one is open, and then prints
// msg ("Limit Reached"; TABULAR only).
func (p *printer) end(msg string) {
	if p.st == nil {
		return
	}
	p.st.close()
	p.st = nil
	if msg != "" && !p.json {
		fmt.Fprintln(p.w, msg)
	}
}

// terminated ends a query stopped by Ctrl-C: it closes its table, if any,
// and prints "Query terminated" (TABULAR only).
func (p *printer) terminated() {
	if p.json {
		return
	}
	fmt.Fprintln(p.w) // after the terminal's ^C
	if p.st != nil {
		p.st.close()
		p.st = nil
	}
	fmt.Fprintln(p.w, "Query terminated")
}

// querying reports whether a query's table is open.
func (p *printer) querying() bool { return p.st != nil }

func (p *printer) printJSON(v any) {
	var b []byte
	var err error
	if raw, ok := v.(json.RawMessage); ok {
		var buf strings.Builder
		if err = jsonIndent(&buf, raw); err == nil {
			fmt.Fprintln(p.w, buf.String())
			return
		}
	}
	b, err = json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintln(p.w, err)
		return
	}
	fmt.Fprintln(p.w, string(b))
}

// resultJSON is the JSON form of an engine result under OUTPUT JSON.
func resultJSON(r driver.Result) any {
	type out struct {
		Type        string     `json:"@type"`
		Message     string     `json:"message,omitempty"`
		QueryID     string     `json:"queryId,omitempty"`
		ColumnNames []string   `json:"columnNames,omitempty"`
		Rows        [][]string `json:"rows,omitempty"`
	}
	return out{Type: strings.ToLower(r.Kind), Message: r.Message, QueryID: r.QueryID, ColumnNames: r.Columns, Rows: r.Rows}
}

// printTable prints a table with the column names as they are and the
// cells as they are: leading blanks are kept, so that EXPLAIN's plan tree
// keeps its indentation.
func printTable(w io.Writer, cols []string, rows [][]string) {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithTrimSpace(tw.Off))
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c
	}
	t.Header(header...)
	for _, row := range rows {
		_ = t.Append(row)
	}
	_ = t.Render()
}

// streamTable prints a push query's rows as they arrive: the header (the
// SQL column names as written) at once, then each row when it comes, in
// columns of fixed widths chosen from the column types (long values wrap).
type streamTable struct {
	t *tablewriter.Table
}

func newStreamTable(w io.Writer, cols []column, screen int) *streamTable {
	widths := columnWidths(cols, screen)
	m := tw.NewMapper[int, int]()
	for i, n := range widths {
		m.Set(i, n)
	}
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithStreaming(tw.StreamConfig{Enable: true}),
		tablewriter.WithColumnWidths(m), tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithHeaderAutoWrap(tw.WrapNormal))
	_ = t.Start()
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	t.Header(header...)
	return &streamTable{t: t}
}

func (s *streamTable) row(text []string) { _ = s.t.Append(text) }

func (s *streamTable) close() { _ = s.t.Close() }

// columnWidths picks a width per column (borders and padding included):
// room for the header and a typical value of the column's type, shrunk
// towards the headers when the table would be wider than the screen.
func columnWidths(cols []column, screen int) []int {
	widths := make([]int, len(cols))
	mins := make([]int, len(cols))
	total := 1
	for i, c := range cols {
		mins[i] = len(c.Name) + 2
		widths[i] = max(mins[i], c.width()+2)
		total += widths[i] + 1
	}
	if screen <= 0 {
		screen = 120
	}
	for total > screen {
		// Take one character from the widest column above its minimum.
		j := -1
		for i := range widths {
			if widths[i] > mins[i] && (j < 0 || widths[i] > widths[j]) {
				j = i
			}
		}
		if j < 0 || widths[j] <= 6 {
			break
		}
		widths[j]--
		total--
	}
	return widths
}

// width is the room a typical value of the column's type takes.
func (c column) width() int {
	kind := sqltypes.KindString
	switch {
	case c.typ != nil:
		kind = c.typ.Kind
	case c.Type == "":
		return 16
	default:
		name := strings.ToUpper(c.Type)
		if i := strings.IndexAny(name, "(<"); i >= 0 {
			name = name[:i]
		}
		k, ok := typeKinds[strings.TrimSpace(name)]
		if !ok {
			return 30
		}
		kind = k
	}
	switch kind {
	case sqltypes.KindBoolean:
		return 5
	case sqltypes.KindInt:
		return 11
	case sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindDecimal:
		return 20
	case sqltypes.KindTimestamp:
		return 23
	case sqltypes.KindDate, sqltypes.KindTime:
		return 12
	case sqltypes.KindString, sqltypes.KindBytes:
		return 20
	}
	return 30
}

// typeKinds maps the type names a server sends (columnTypes) to kinds.
var typeKinds = map[string]sqltypes.Kind{
	"BOOLEAN": sqltypes.KindBoolean, "INTEGER": sqltypes.KindInt, "INT": sqltypes.KindInt,
	"BIGINT": sqltypes.KindBigint, "DOUBLE": sqltypes.KindDouble, "DECIMAL": sqltypes.KindDecimal,
	"TIMESTAMP": sqltypes.KindTimestamp, "DATE": sqltypes.KindDate, "TIME": sqltypes.KindTime,
	"STRING": sqltypes.KindString, "VARCHAR": sqltypes.KindString, "BYTES": sqltypes.KindBytes,
}
