package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/rqlerr"
)

// maxScriptDepth bounds RUN SCRIPT nesting (a script running itself).
const maxScriptDepth = 16

// session runs scripts on a shell: the shell's own statements (OUTPUT,
// RUN SCRIPT) here, every other statement on the shell, in order.
type session struct {
	sh     shell
	p      *printer
	errOut io.Writer
	depth  int
}

var (
	outputRE    = regexp.MustCompile(`(?is)^\s*OUTPUT(?:\s+([A-Za-z_]+))?\s*;?\s*$`)
	runScriptRE = regexp.MustCompile(`(?is)^\s*RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;?\s*$`)
)

// runScript runs the statements of sql. Consecutive engine statements are
// handed to the shell together (so that a syntax error among them runs
// none of them); OUTPUT and RUN SCRIPT between them run here. The first
// failure is printed to errOut — code, message, the line with a caret
// under the position — and stops the script with exitError.
func (s *session) runScript(ctx context.Context, sql string) error {
	code := codeOnly(sql)
	chunk := -1 // start of the pending engine statements
	flush := func(end int) error {
		if chunk < 0 {
			return nil
		}
		// Blank what precedes the chunk so positions stay those of sql.
		text := blankAll(sql[:chunk]) + sql[chunk:end]
		chunk = -1
		if err := s.sh.run(ctx, text, s.p); err != nil {
			s.p.end("")
			fmt.Fprintln(s.errOut, conformance.FormatError(sql, err))
			return exitError{}
		}
		return nil
	}
	for _, sp := range splitStatements(sql) {
		stmt := code[sp.start:sp.end]
		m := outputRE.FindStringSubmatch(stmt)
		r := runScriptRE.FindStringSubmatch(stmt)
		if m == nil && r == nil {
			if chunk < 0 {
				chunk = sp.start
			}
			continue
		}
		if err := flush(sp.start); err != nil {
			return err
		}
		var err error
		if m != nil {
			err = s.output(m[1])
		} else {
			err = s.runFile(ctx, strings.ReplaceAll(r[1], "''", "'"))
		}
		if _, reported := err.(exitError); reported {
			return err
		}
		if err != nil {
			line, col := lineCol(sql, sp.start+len(stmt)-len(strings.TrimLeft(stmt, " \t\r\n")))
			fmt.Fprintln(s.errOut, conformance.FormatError(sql, rqlerr.At("", rqlerr.Pos{Line: line, Col: col}, "%v", err)))
			return exitError{}
		}
	}
	return flush(len(sql))
}

// output is OUTPUT [JSON|TABULAR]: without a format it prints the
// current one.
func (s *session) output(format string) error {
	switch strings.ToUpper(format) {
	case "":
		fmt.Fprintf(s.p.w, "Output format: %s\n", s.p.format())
	case "JSON":
		s.p.json = true
	case "TABULAR":
		s.p.json = false
	default:
		return fmt.Errorf("unknown output format %q: use JSON or TABULAR", format)
	}
	return nil
}

// runFile is RUN SCRIPT 'path': the file's statements, run as a script
// of their own (errors point into the file).
func (s *session) runFile(ctx context.Context, path string) error {
	if s.depth >= maxScriptDepth {
		return fmt.Errorf("RUN SCRIPT nested more than %d deep", maxScriptDepth)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot run script: %w", err)
	}
	sub := *s
	sub.depth++
	if err := sub.runScript(ctx, string(b)); err != nil {
		fmt.Fprintf(s.errOut, "(in %s)\n", path)
		return err
	}
	return nil
}
