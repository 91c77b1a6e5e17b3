package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/engine"
	"github.com/spf13/cobra"
)

// runFlags are the flags of `rql run`.
type runFlags struct {
	bootstrap  string
	stateDir   string
	serviceID  string
	properties map[string]string
	kafkaProps map[string]string
	logLevel   string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] app.sql",
		Short: "Run a file's statements and keep its persistent queries running",
		Long: `rql run executes the statements of a .sql file against a Kafka cluster, then
keeps its persistent queries (CREATE ... AS SELECT, INSERT INTO ... SELECT)
running until SIGTERM or SIGINT, when it commits and stops gracefully.

Restarted with the same --service-id and --state-dir, it re-executes the file
(existing sink topics are reused) and resumes every query from its committed
offsets. Processes with the same --service-id and distinct --state-dir split
the partitions of each query. Without --bootstrap-servers it starts the
embedded dev broker, with its data in <state-dir>/broker.`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApp(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.bootstrap, "bootstrap-servers", "", "Kafka bootstrap servers (default: the embedded dev broker)")
	fl.StringVar(&f.stateDir, "state-dir", ".rql-state", "directory for the engine's member id, lock and embedded broker data")
	fl.StringVar(&f.serviceID, "service-id", "rql", "names the consumer groups, internal topics and processing log")
	fl.StringToStringVar(&f.properties, "property", nil, "a session property name=value, e.g. processing.guarantee=at_least_once (repeatable)")
	fl.StringToStringVar(&f.kafkaProps, "kafka-property", nil, "a librdkafka property name=value, e.g. security.protocol=SASL_SSL (repeatable)")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// runApp is `rql run`.
func runApp(ctx context.Context, out, errOut io.Writer, file string, f runFlags) error {
	sql, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("invalid --log-level %q", f.logLevel)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(engine.DefaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	eng, err := engine.New(ctx, engine.Options{Bootstrap: f.bootstrap, KafkaProps: f.kafkaProps, StateDir: f.stateDir,
		ServiceID: f.serviceID, Properties: f.properties,
		Logger: slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: level}))})
	if err != nil {
		return err
	}
	closeEngine := func() error {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return eng.Close(cctx)
	}
	results, err := eng.Execute(ctx, string(sql))
	printResults(out, results)
	if err != nil {
		fmt.Fprintln(errOut, conformance.FormatError(string(sql), err))
		_ = closeEngine()
		return exitError{}
	}
	fmt.Fprintf(out, "rql run: %d persistent queries running on %s (service id %s); stop with SIGTERM\n",
		len(eng.Queries()), eng.Bootstrap(), f.serviceID)
	reported := map[string]bool{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
			for _, q := range eng.Queries() {
				if q.State == engine.StateError && !reported[q.ID] {
					reported[q.ID] = true
					fmt.Fprintf(errOut, "rql run: query %s failed: %v\n", q.ID, q.Err)
				}
			}
		}
	}
	fmt.Fprintln(out, "rql run: stopping (committing and closing every query)")
	return closeEngine()
}
