package main

import (
	"os/signal"
	"syscall"

	"github.com/rql/rql/kafka/devbroker"
	"github.com/spf13/cobra"
)

func newDevBrokerCmd() *cobra.Command {
	var o devbroker.Options
	cmd := &cobra.Command{
		Use:   "dev-broker",
		Short: "Run the embedded Kafka-protocol dev broker alone",
		Long: `rql dev-broker runs rql's development broker (franz-go's kfake) on loopback,
prints "bootstrap servers: <addr>" and serves until SIGTERM or SIGINT. Any
Kafka client (rql, kcat, librdkafka, the Java client) can use it. With
--data-dir its topics, offsets and transactions survive a restart.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			o.Out = cmd.OutOrStdout()
			return devbroker.Run(ctx, o)
		},
	}
	cmd.Flags().IntVar(&o.Brokers, "brokers", 1, "number of brokers")
	cmd.Flags().StringVar(&o.Listen, "listen", "127.0.0.1:0", "host:port of the first broker (broker i listens on port+i; port 0 picks free ports)")
	cmd.Flags().StringVar(&o.DataDir, "data-dir", "", "keep the brokers' data in this directory (default: in memory)")
	return cmd
}
