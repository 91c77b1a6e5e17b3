package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// shellFlags are the flags of the root command (the shell).
type shellFlags struct {
	exec       string
	file       string
	dataDir    string
	properties map[string]string
}

func newRootCmd() *cobra.Command {
	var f shellFlags
	cmd := &cobra.Command{
		Use:   "rql",
		Short: "rql is a streaming SQL engine for Kafka that speaks ksqlDB's dialect",
		Long: `rql is a streaming SQL engine for Kafka that speaks ksqlDB's dialect.

Without a subcommand, rql opens an interactive SQL shell over the in-process
engine; statements end with ';'. Use -e or -f to run statements
non-interactively.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runShell(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	cmd.Flags().StringVarP(&f.exec, "execute", "e", "", "run these statements and exit")
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "run the statements of this file and exit")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", defaultDataDir(), "directory for the shell's history")
	cmd.Flags().StringToStringVar(&f.properties, "property", nil, "a config property name=value (repeatable)")
	cmd.AddCommand(newTestCmd(), newConformanceCmd(), newVersionCmd(), newRunCmd(), newDevBrokerCmd())
	return cmd
}

// defaultDataDir is ~/.rql (or .rql in the working directory without a
// home directory).
func defaultDataDir() string {
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".rql")
	}
	return ".rql"
}
