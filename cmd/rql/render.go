package main

import (
	"fmt"
	"io"

	"github.com/chzyer/readline"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// printResults prints statement results: tabular ones (SHOW, DESCRIBE,
// EXPLAIN, queries) as tables with column names as written, the others as
// their message.
func printResults(w io.Writer, results []driver.Result) {
	for _, r := range results {
		if len(r.Columns) > 0 {
			printTable(w, r.Columns, r.Rows)
			continue
		}
		if r.Message != "" {
			fmt.Fprintln(w, r.Message)
		}
	}
}

func printTable(w io.Writer, cols []string, rows [][]string) {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
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
	t    *tablewriter.Table
	cols []sqltypes.Column
}

func newStreamTable(w io.Writer, cols []sqltypes.Column) *streamTable {
	widths := columnWidths(cols, readline.GetScreenWidth())
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
	return &streamTable{t: t, cols: cols}
}

func (s *streamTable) row(vals []sqltypes.Value) {
	text := make([]string, len(vals))
	for i, v := range vals {
		var typ *sqltypes.Type
		if i < len(s.cols) {
			typ = s.cols[i].Type
		}
		text[i] = udf.ValueText(v, typ)
	}
	_ = s.t.Append(text)
}

func (s *streamTable) close() { _ = s.t.Close() }

// columnWidths picks a width per column (borders and padding included):
// room for the header and a typical value of the column's type, shrunk
// towards the headers when the table would be wider than the screen.
func columnWidths(cols []sqltypes.Column, screen int) []int {
	widths := make([]int, len(cols))
	mins := make([]int, len(cols))
	total := 1
	for i, c := range cols {
		mins[i] = len(c.Name) + 2
		widths[i] = max(mins[i], typeWidth(c.Type)+2)
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

// typeWidth is the room a typical value of t takes.
func typeWidth(t *sqltypes.Type) int {
	if t == nil {
		return 16
	}
	switch t.Kind {
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
