package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/chzyer/readline"
	"github.com/rql/rql/conformance"
)

const (
	prompt     = "rql> "
	contPrompt = "...> "
)

// runShell runs -e / -f statements, or the interactive shell, on the
// shell the flags choose (the Kafka engine by default).
func runShell(ctx context.Context, out, errOut io.Writer, f shellFlags) error {
	if f.exec != "" && f.file != "" {
		return errors.New("use either -e or -f")
	}
	script := f.exec
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return err
		}
		script = string(b)
	}
	// SIGTERM closes the engine gracefully (the embedded broker saves its
	// data); so does SIGINT outside the interactive shell, which handles
	// it itself (it stops the running statement).
	sigs := []os.Signal{syscall.SIGTERM}
	if script != "" {
		sigs = append(sigs, os.Interrupt)
	}
	ctx, stop := signal.NotifyContext(ctx, sigs...)
	defer stop()
	sh, err := openShell(ctx, f)
	if err != nil {
		return err
	}
	defer sh.close()
	if f.exec != "" || f.file != "" {
		return runScript(ctx, sh, script, out, errOut)
	}
	return repl(ctx, sh, f.dataDir, out, errOut)
}

// runScript executes sql, prints the results and, on failure, the error
// with a caret under its position.
func runScript(ctx context.Context, sh shell, sql string, out, errOut io.Writer) error {
	if err := sh.run(ctx, sql, out); err != nil {
		fmt.Fprintln(errOut, conformance.FormatError(sql, err))
		return exitError{}
	}
	return nil
}

// interrupter turns SIGINT into the cancellation of the running
// statement, so that Ctrl-C stops a push query and returns to the prompt
// instead of ending the process. (While the prompt reads a line the
// terminal is in raw mode: Ctrl-C reaches readline as a key, not a signal.)
type interrupter struct {
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (in *interrupter) start(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	in.mu.Lock()
	in.cancel = cancel
	in.mu.Unlock()
	return ctx, func() {
		in.mu.Lock()
		in.cancel = nil
		in.mu.Unlock()
		cancel()
	}
}

func (in *interrupter) interrupt() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cancel != nil {
		in.cancel()
	}
}

// repl reads statements (ending with ';', possibly over several lines)
// and meta-commands (.help) until EOF, .quit or exit.
func repl(ctx context.Context, sh shell, dataDir string, out, errOut io.Writer) error {
	cfg := &readline.Config{Prompt: prompt, InterruptPrompt: "^C", EOFPrompt: "exit", Stdout: out, Stderr: errOut}
	if dataDir != "" && os.MkdirAll(dataDir, 0o755) == nil {
		cfg.HistoryFile = filepath.Join(dataDir, "history")
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return err
	}
	var closeOnce sync.Once
	closeRL := func() { closeOnce.Do(func() { _ = rl.Close() }) }
	defer closeRL()
	stopped := make(chan struct{})
	defer close(stopped)
	go func() { // SIGTERM: leave the prompt, so that the engine closes
		select {
		case <-ctx.Done():
			closeRL()
		case <-stopped:
		}
	}()

	var in interrupter
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	go func() {
		for range sigc {
			in.interrupt()
		}
	}()

	fmt.Fprintf(out, "%s on %s\nstatements end with ';'; Ctrl-C stops a running query; .help for help\n",
		versionString(), sh.banner())
	var buf strings.Builder
	for {
		if ctx.Err() != nil {
			return nil
		}
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
				if !meta(ctx, sh, trimmed, out) {
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
		sctx, done := in.start(ctx)
		_ = runScript(sctx, sh, sql, out, errOut)
		done()
	}
}

// meta runs a shell command; it returns false to leave the shell.
func meta(ctx context.Context, sh shell, cmd string, out io.Writer) bool {
	fields := strings.Fields(cmd)
	switch fields[0] {
	case ".quit", ".exit", "exit", "quit":
		return false
	}
	if sh.meta(ctx, fields, out) {
		return true
	}
	fmt.Fprint(out, `statements end with ';' and may span lines; Ctrl-C clears the current one
or stops the running query (SELECT ... EMIT CHANGES, PRINT)
.topics           list topics
.records TOPIC    print a topic's records (--in-process only; else PRINT 'TOPIC' FROM BEGINNING;)
.quit             leave (or Ctrl-D)
`)
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
