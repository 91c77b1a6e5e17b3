package main

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/rql/rql/exec/driver"
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
