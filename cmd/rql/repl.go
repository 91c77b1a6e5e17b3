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
)

const (
	prompt     = "rql> "
	contPrompt = "...> "
)

// runShell runs -e / -f statements, or the interactive shell, on the
// shell the flags choose (the Kafka engine by default). An empty -e runs
// nothing.
func runShell(ctx context.Context, out, errOut io.Writer, f shellFlags) error {
	if f.execSet && f.file != "" {
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
	nonInteractive := f.execSet || f.file != ""
	if nonInteractive && strings.TrimSpace(codeOnly(script)) == "" {
		return nil
	}
	// SIGTERM closes the engine gracefully (the embedded broker saves its
	// data); so does SIGINT outside the interactive shell, which handles
	// it itself (it stops the running statement).
	sigs := []os.Signal{syscall.SIGTERM}
	if nonInteractive {
		sigs = append(sigs, os.Interrupt)
	}
	ctx, stop := signal.NotifyContext(ctx, sigs...)
	defer stop()
	sh, err := openShell(ctx, f)
	if err != nil {
		return err
	}
	defer sh.close()
	s := &session{sh: sh, p: newPrinter(out), errOut: errOut}
	if f.output != "" {
		if err := s.output(f.output); err != nil {
			return err
		}
	}
	if nonInteractive {
		return s.runScript(ctx, script)
	}
	return repl(ctx, s, f.dataDir, out, errOut)
}

// runScript executes sql on sh, prints the results to out and, on
// failure, the error with a caret under its position to errOut.
func runScript(ctx context.Context, sh shell, sql string, out, errOut io.Writer) error {
	s := &session{sh: sh, p: newPrinter(out), errOut: errOut}
	return s.runScript(ctx, sql)
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
// and meta-commands (.help) until EOF, .quit or exit. A statement typed
// over several lines is one history entry.
func repl(ctx context.Context, s *session, dataDir string, out, errOut io.Writer) error {
	var pending strings.Builder // the lines of the statement being typed
	names := newNameCache(s.sh)
	cfg := &readline.Config{Prompt: prompt, InterruptPrompt: "^C", EOFPrompt: "exit", Stdout: out, Stderr: errOut,
		DisableAutoSaveHistory: true, HistorySearchFold: true,
		AutoComplete: &completer{names: names.get, pending: pending.String}}
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

	fmt.Fprintf(out, "%s on %s\nstatements end with ';'; Tab completes; Ctrl-C stops a running query; .help for help\n",
		versionString(), s.sh.banner())
	for {
		if ctx.Err() != nil {
			return nil
		}
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			pending.Reset()
			rl.SetPrompt(prompt)
			continue
		}
		if err != nil { // io.EOF
			return nil
		}
		if pending.Len() == 0 {
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, ".") || trimmed == "exit" || trimmed == "quit" {
				_ = rl.SaveHistory(trimmed)
				sctx, done := in.start(ctx)
				ok := meta(sctx, s, trimmed, out)
				done()
				if !ok {
					return nil
				}
				continue
			}
		}
		pending.WriteString(line)
		pending.WriteString("\n")
		if !statementComplete(pending.String()) {
			rl.SetPrompt(contPrompt)
			continue
		}
		sql := pending.String()
		pending.Reset()
		rl.SetPrompt(prompt)
		_ = rl.SaveHistory(historyEntry(sql))
		sctx, done := in.start(ctx)
		_ = s.runScript(sctx, sql)
		done()
		names.invalidate()
	}
}

// meta runs a shell command; it returns false to leave the shell.
func meta(ctx context.Context, s *session, cmd string, out io.Writer) bool {
	fields := strings.Fields(cmd)
	switch fields[0] {
	case ".quit", ".exit", "exit", "quit":
		return false
	}
	if s.sh.meta(ctx, fields, s.p) {
		return true
	}
	fmt.Fprint(out, `statements end with ';' and may span lines; Ctrl-C clears the current one
or stops the running query (SELECT ... EMIT CHANGES, PRINT); Tab completes
keywords and the names of streams, tables, columns, functions and topics
OUTPUT JSON|TABULAR;  SET 'name'='value';  UNSET 'name';  RUN SCRIPT 'file.sql';
.topics           list topics
.records TOPIC    print a topic's records (--in-process only; else PRINT 'TOPIC' FROM BEGINNING;)
.quit             leave (or Ctrl-D)
`)
	return true
}
