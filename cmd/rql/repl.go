package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"github.com/rql/rql/conformance"
	"github.com/rql/rql/udf"
)

const (
	prompt     = "rql> "
	contPrompt = "...> "
)

// runShell runs -e / -f statements, or the interactive shell.
func runShell(ctx context.Context, out, errOut io.Writer, f shellFlags) error {
	eng, err := conformance.NewDriverEngine(udf.Builtins(), f.properties)
	if err != nil {
		return err
	}
	switch {
	case f.exec != "" && f.file != "":
		return errors.New("use either -e or -f")
	case f.exec != "":
		return runScript(ctx, eng, f.exec, out, errOut)
	case f.file != "":
		b, err := os.ReadFile(f.file)
		if err != nil {
			return err
		}
		return runScript(ctx, eng, string(b), out, errOut)
	}
	return repl(ctx, eng, f.dataDir, out, errOut)
}

// runScript executes sql, prints the results and, on failure, the error
// with a caret under its position.
func runScript(ctx context.Context, eng conformance.Engine, sql string, out, errOut io.Writer) error {
	results, err := eng.Execute(ctx, sql)
	printResults(out, results)
	if err != nil {
		fmt.Fprintln(errOut, conformance.FormatError(sql, err))
		return exitError{}
	}
	return nil
}

// repl reads statements (ending with ';', possibly over several lines)
// and meta-commands (.help) until EOF, .quit or exit.
func repl(ctx context.Context, eng conformance.Engine, dataDir string, out, errOut io.Writer) error {
	cfg := &readline.Config{Prompt: prompt, InterruptPrompt: "^C", EOFPrompt: "exit", Stdout: out, Stderr: errOut}
	if dataDir != "" && os.MkdirAll(dataDir, 0o755) == nil {
		cfg.HistoryFile = filepath.Join(dataDir, "history")
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return err
	}
	defer rl.Close()
	fmt.Fprintf(out, "%s — statements end with ';', .help for help\n", versionString())
	var buf strings.Builder
	for {
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			buf.Reset()
			rl.SetPrompt(prompt)
			continue
		}
		if err != nil { // io.EOF
			return nil
		}
		if buf.Len() == 0 {
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, ".") || trimmed == "exit" || trimmed == "quit" {
				if !meta(eng, trimmed, out) {
					return nil
				}
				continue
			}
		}
		buf.WriteString(line)
		buf.WriteString("\n")
		if !statementComplete(buf.String()) {
			rl.SetPrompt(contPrompt)
			continue
		}
		sql := buf.String()
		buf.Reset()
		rl.SetPrompt(prompt)
		_ = runScript(ctx, eng, sql, out, errOut)
	}
}

// meta runs a shell command; it returns false to leave the shell.
func meta(eng conformance.Engine, cmd string, out io.Writer) bool {
	fields := strings.Fields(cmd)
	switch fields[0] {
	case ".quit", ".exit", "exit", "quit":
		return false
	case ".topics":
		for _, t := range eng.Topics() {
			fmt.Fprintf(out, "%s (%d records)\n", t, len(eng.Records(t)))
		}
	case ".records":
		if len(fields) != 2 {
			fmt.Fprintln(out, "usage: .records TOPIC")
			break
		}
		for _, r := range conformance.TopicRecords(eng, fields[1]) {
			b, _ := conformance.MarshalRecord(&r)
			fmt.Fprintln(out, string(b))
		}
	default:
		fmt.Fprint(out, `statements end with ';' and may span lines; Ctrl-C clears the current one
.topics           list topics and their record counts
.records TOPIC    print a topic's records (key, value, timestamp)
.quit             leave (or Ctrl-D)
`)
	}
	return true
}

// statementComplete reports whether sql ends with ';' outside quotes,
// identifiers and comments (so the shell knows to stop reading lines).
func statementComplete(sql string) bool {
	var quote byte // ', ", ` or 0
	last := byte(0)
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
			last = c
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return false
			}
			i += end + 3
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			last = c
		}
	}
	return quote == 0 && last == ';'
}
