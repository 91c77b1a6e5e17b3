package main

import (
	"github.com/spf13/cobra"
)

// shellFlags are the flags of the root command (the shell).
type shellFlags struct {
	exec       string
	file       string
	dataDir    string
	properties map[string]string
	bootstrap  string            // --bootstrap-servers ("" : the embedded dev broker)
	kafkaProps map[string]string // --kafka-property
	inProcess  bool              // --in-process: the test driver, no Kafka
	execSet    bool              // -e was given (even empty)
	output     string            // --output: JSON or TABULAR
	server     string            // --server: a running rql server's URL
	authToken  string            // --auth-token for --server
}

func newRootCmd() *cobra.Command {
	var f shellFlags
	cmd := &cobra.Command{
		Use:   "rql",
		Short: "rql is a streaming SQL engine for Kafka that speaks ksqlDB's dialect",
		Long: `rql is a streaming SQL engine for Kafka that speaks ksqlDB's dialect.

Without a subcommand, rql opens an interactive SQL shell; statements end with
';'. Use -e or -f to run statements non-interactively. Statements run on the
Kafka cluster of --bootstrap-servers or, without it, on an embedded dev broker
started in process with its data in --data-dir (so topics and their records
survive a restart). --in-process runs them on the in-process test driver
instead (no Kafka); --server URL sends them to a running rql server.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.execSet = cmd.Flags().Changed("execute")
			return runShell(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	cmd.Flags().StringVarP(&f.exec, "execute", "e", "", "run these statements and exit")
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "run the statements of this file and exit")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", ".rql-data", "directory for the embedded broker's data, the engine's state, the shell's history and log")
	cmd.Flags().StringToStringVar(&f.properties, "property", nil, "a config property name=value (repeatable)")
	cmd.Flags().StringVar(&f.bootstrap, "bootstrap-servers", "", "Kafka bootstrap servers (default: start the embedded dev broker)")
	cmd.Flags().StringToStringVar(&f.kafkaProps, "kafka-property", nil, "a librdkafka property name=value, e.g. security.protocol=SASL_SSL (repeatable)")
	cmd.Flags().BoolVar(&f.inProcess, "in-process", false, "run statements on the in-process test driver instead of Kafka")
	cmd.Flags().StringVar(&f.output, "output", "", "output format: TABULAR (default) or JSON, as OUTPUT sets it")
	cmd.Flags().StringVar(&f.server, "server", "", "run statements on a running rql (or ksqlDB) server at this URL, e.g. http://localhost:8088")
	cmd.Flags().StringVar(&f.authToken, "auth-token", "", "bearer token for --server (default: $RQL_AUTH_TOKEN)")
	cmd.AddCommand(newTestCmd(), newConformanceCmd(), newVersionCmd(), newRunCmd(), newDevBrokerCmd(),
		newServerCmd(), newSubmitCmd())
	return cmd
}
