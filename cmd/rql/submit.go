package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rql/rql/conformance"
	rqlclient "github.com/rql/rql/server/client"
	"github.com/spf13/cobra"
)

// submitFlags are the flags of `rql submit`.
type submitFlags struct {
	server     string
	authToken  string
	basicAuth  string
	properties map[string]string
	timeout    time.Duration
}

func newSubmitCmd() *cobra.Command {
	var f submitFlags
	cmd := &cobra.Command{
		Use:   "submit --server URL [flags] app.sql",
		Short: "Send a .sql file's statements to an rql (or ksqlDB) server",
		Long: `rql submit sends the statements of a .sql file to a server's POST /ksql
endpoint and prints what each statement did, one line per statement. At the
first failing statement it prints the error with the statement and a caret
under the position, and exits with status 1; the statements before it stay
applied.`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSubmit(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "http://127.0.0.1:8088", "the server's URL")
	fl.StringVar(&f.authToken, "auth-token", "", "bearer token (default $RQL_AUTH_TOKEN)")
	fl.StringVar(&f.basicAuth, "basic-auth", "", "basic credentials user:pass (default $RQL_BASIC_AUTH)")
	fl.StringToStringVar(&f.properties, "property", nil, "a property name=value for the file's statements (repeatable)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after this long")
	return cmd
}

// runSubmit is `rql submit`.
func runSubmit(ctx context.Context, out, errOut io.Writer, file string, f submitFlags) error {
	sql, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	c := &rqlclient.Client{URL: f.server, AuthToken: f.authToken}
	if c.AuthToken == "" {
		c.AuthToken = os.Getenv("RQL_AUTH_TOKEN")
	}
	basic := f.basicAuth
	if basic == "" {
		basic = os.Getenv("RQL_BASIC_AUTH")
	}
	if basic != "" {
		c.User, c.Password, _ = strings.Cut(basic, ":")
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	ents, err := c.Execute(ctx, string(sql), f.properties, nil)
	var se *rqlclient.Error
	if errors.As(err, &se) {
		ents = se.Entities
	}
	for _, e := range ents {
		fmt.Fprintln(out, describeEntity(e))
	}
	if err != nil {
		if se != nil {
			fmt.Fprintln(errOut, formatSubmitError(string(sql), se))
		} else {
			fmt.Fprintln(errOut, "rql submit:", err)
		}
		return exitError{}
	}
	fmt.Fprintf(out, "rql submit: %d statements applied to %s\n", len(ents), f.server)
	return nil
}

// describeEntity is one line saying what a statement did.
func describeEntity(e rqlclient.Entity) string {
	var v struct {
		CommandStatus struct {
			Message string `json:"message"`
		} `json:"commandStatus"`
		Streams []json.RawMessage `json:"streams"`
		Tables  []json.RawMessage `json:"tables"`
		Queries []json.RawMessage `json:"queries"`
		Rows    []json.RawMessage `json:"rows"`
		Message string            `json:"message"`
	}
	_ = json.Unmarshal(e.Raw, &v)
	stmt := submitLine(e.StatementText)
	var what string
	switch e.Type {
	case "currentStatus":
		what = v.CommandStatus.Message
	case "streams":
		what = fmt.Sprintf("%d streams", len(v.Streams))
	case "tables":
		what = fmt.Sprintf("%d tables", len(v.Tables))
	case "queries":
		what = fmt.Sprintf("%d queries", len(v.Queries))
	case "rql_table":
		what = fmt.Sprintf("%d rows", len(v.Rows))
	default:
		what = e.Type
	}
	if what == "" {
		what = "done"
	}
	return stmt + "  →  " + what
}

// submitLine shortens a statement to one line of at most 72 characters.
func submitLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 72 {
		s = s[:69] + "..."
	}
	return s
}

// formatSubmitError prints a server error with the failing statement's
// line and a caret under the position when the server reported one.
func formatSubmitError(sql string, e *rqlclient.Error) string {
	var b strings.Builder
	b.WriteString("error: ")
	b.WriteString(e.Error())
	lines := strings.Split(sql, "\n")
	if e.Line >= 1 && e.Line <= len(lines) {
		line := strings.TrimRight(lines[e.Line-1], "\r")
		fmt.Fprintf(&b, "\n%4d | %s\n       %s", e.Line, line, conformance.Caret(line, e.Column))
	} else if e.StatementText != "" {
		b.WriteString("\nin: ")
		b.WriteString(submitLine(e.StatementText))
	}
	return b.String()
}
