package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	rqlclient "github.com/rql/rql/server/client"
)

// serverShell runs statements on a running rql server (or ksqlDB) through
// its REST API, one request per statement: SELECT on /query-stream, PRINT
// on /query, the others on /ksql. SET / UNSET and DEFINE / UNDEFINE are
// kept here, as ksqlDB's CLI keeps them, and sent with every request.
type serverShell struct {
	c     *rqlclient.Client
	label string
	props map[string]string
	vars  map[string]string
}

func openServerShell(ctx context.Context, f shellFlags) (shell, error) {
	token := f.authToken
	if token == "" {
		token = os.Getenv("RQL_AUTH_TOKEN")
	}
	c, err := rqlclient.New(f.server, token)
	if err != nil {
		return nil, fmt.Errorf("--server: %w", err)
	}
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := c.Info(ictx)
	if err != nil {
		return nil, err
	}
	label := "server at " + c.URL
	var extra []string
	for _, k := range []string{"version", "ksqlServiceId", "serverStatus"} {
		if v, ok := info[k].(string); ok && v != "" {
			extra = append(extra, k+" "+v)
		}
	}
	if len(extra) > 0 {
		label += " (" + strings.Join(extra, ", ") + ")"
	}
	props := maps.Clone(f.properties)
	if props == nil {
		props = map[string]string{}
	}
	return &serverShell{c: c, label: label, props: props, vars: map[string]string{}}, nil
}

func (s *serverShell) banner() string { return s.label }

func (s *serverShell) close() {}

func (s *serverShell) run(ctx context.Context, sql string, p *printer) error {
	code := codeOnly(sql)
	for _, sp := range splitStatements(sql) {
		lead := len(code[sp.start:sp.end]) - len(strings.TrimLeft(code[sp.start:sp.end], " \t\r\n"))
		off := sp.start + lead
		stmt := sql[off:sp.end]
		if !strings.HasSuffix(strings.TrimSpace(code[off:sp.end]), ";") {
			stmt += ";"
		}
		line, col := lineCol(sql, off)
		if err := s.runStatement(ctx, stmt, firstWord(code[off:sp.end]), p); err != nil {
			return shiftError(err, line, col)
		}
	}
	return nil
}

// firstWord returns the first word of a statement, upper case.
func firstWord(code string) string {
	f := strings.FieldsFunc(code, func(r rune) bool { return !isIdent(r) })
	if len(f) == 0 {
		return ""
	}
	return strings.ToUpper(f[0])
}

func (s *serverShell) runStatement(ctx context.Context, stmt, kind string, p *printer) error {
	switch kind {
	case "SET", "UNSET", "DEFINE", "UNDEFINE":
		return s.local(stmt, p)
	case "SELECT":
		return s.query(ctx, stmt, p)
	case "PRINT":
		err := s.c.Print(ctx, stmt, s.props, func(line string) error {
			p.line(line)
			return nil
		})
		if ctx.Err() != nil {
			p.terminated()
			return nil
		}
		return err
	}
	ents, err := s.c.Execute(ctx, stmt, s.props, s.vars)
	if err != nil {
		return err
	}
	for _, e := range ents {
		p.entity(e.Raw)
	}
	return nil
}

// local runs SET, UNSET, DEFINE and UNDEFINE in the shell.
func (s *serverShell) local(stmt string, p *printer) error {
	stmts, err := parser.Parse(stmt, parser.ParseOptions{Variables: s.vars})
	if err != nil {
		return err
	}
	for _, st := range stmts {
		switch x := st.(type) {
		case *parser.SetProperty:
			s.props[x.Name] = x.Value
			p.result(driver.Result{Kind: "SET_PROPERTY", Message: "Successfully set " + x.Name})
		case *parser.UnsetProperty:
			delete(s.props, x.Name)
			p.result(driver.Result{Kind: "UNSET_PROPERTY", Message: "Successfully unset " + x.Name})
		case *parser.DefineVariable:
			s.vars[x.Name] = x.Value
		case *parser.UndefineVariable:
			delete(s.vars, x.Name)
		}
	}
	return nil
}

// query runs a push or pull query on /query-stream, printing its rows as
// they arrive; Ctrl-C (ctx) closes it on the server.
func (s *serverShell) query(ctx context.Context, stmt string, p *printer) error {
	push := regexp.MustCompile(`(?i)\bEMIT\s+CHANGES\b`).MatchString(codeOnly(stmt))
	err := s.c.Query(ctx, stmt, s.props, s.vars, func(h rqlclient.Metadata) error {
		cols := make([]column, len(h.ColumnNames))
		for i, n := range h.ColumnNames {
			cols[i] = column{Name: n}
			if i < len(h.ColumnTypes) {
				cols[i].Type = h.ColumnTypes[i]
			}
		}
		p.begin(h.QueryID, cols)
		return nil
	}, func(line json.RawMessage) error {
		v, err := decodeOrdered(line)
		if err != nil {
			return fmt.Errorf("POST /query-stream: unreadable row: %w", err)
		}
		row, ok := v.([]any)
		if !ok {
			return fmt.Errorf("POST /query-stream: a row is not an array: %s", line)
		}
		text := make([]string, len(row))
		for i, v := range row {
			text[i] = cellText(v)
		}
		p.row(text, row)
		return nil
	})
	switch {
	case ctx.Err() != nil:
		p.terminated()
		return nil
	case err != nil:
		p.end("")
		return err
	case push:
		p.end("Limit Reached")
	default:
		p.end("")
	}
	return nil
}

func (s *serverShell) meta(ctx context.Context, fields []string, p *printer) bool {
	if fields[0] != ".topics" {
		return false
	}
	if err := s.run(ctx, "SHOW TOPICS;", p); err != nil {
		fmt.Fprintln(p.w, conformance.FormatError("", err))
	}
	return true
}

// names asks the server: SHOW STREAMS, TABLES, TOPICS and FUNCTIONS, and
// DESCRIBE of each source for its columns.
func (s *serverShell) names(ctx context.Context) catalogNames {
	n := catalogNames{columns: map[string][]string{}}
	list := func(stmt, field string) []string {
		ents, err := s.c.Execute(ctx, stmt, s.props, s.vars)
		if err != nil {
			return nil
		}
		var out []string
		for _, e := range ents {
			var v map[string]json.RawMessage
			var items []struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(e.Raw, &v) == nil && json.Unmarshal(v[field], &items) == nil {
				for _, x := range items {
					out = append(out, x.Name)
				}
			}
		}
		return out
	}
	n.sources = append(list("SHOW STREAMS;", "streams"), list("SHOW TABLES;", "tables")...)
	n.topics = list("SHOW TOPICS;", "topics")
	n.functions = list("SHOW FUNCTIONS;", "functions")
	sort.Strings(n.functions)
	for i, src := range n.sources {
		if i >= 50 || ctx.Err() != nil {
			break
		}
		ents, err := s.c.Execute(ctx, "DESCRIBE "+quoteIdent(src)+";", s.props, s.vars)
		if err != nil {
			continue
		}
		for _, e := range ents {
			var v struct {
				SD struct {
					Fields []struct {
						Name string `json:"name"`
					} `json:"fields"`
				} `json:"sourceDescription"`
			}
			if json.Unmarshal(e.Raw, &v) == nil {
				for _, f := range v.SD.Fields {
					n.columns[strings.ToUpper(src)] = append(n.columns[strings.ToUpper(src)], f.Name)
				}
			}
		}
	}
	return n
}

// quoteIdent quotes a source name unless it is a plain upper-case one.
func quoteIdent(name string) string {
	if regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(name) {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

var (
	rqlPosRE  = regexp.MustCompile(`^line (\d+), column (\d+): `)
	ksqlPosRE = regexp.MustCompile(`line (\d+):(\d+)`)
)

// shiftError turns a server's error answer into an *rqlerr.Error whose
// position (read from the message: rql's "line L, column C: " prefix, or
// ksqlDB's "line L:C") is moved from the statement sent to the script
// where the statement starts at line, col.
func shiftError(err error, line, col int) error {
	var ae *rqlclient.Error
	if !errors.As(err, &ae) {
		var re *rqlerr.Error // a local statement (SET ...) parsed here
		if errors.As(err, &re) && re.Pos.IsValid() {
			c := *re
			c.Pos = shiftPos(re.Pos.Line, re.Pos.Col, line, col)
			return &c
		}
		return err
	}
	msg := ae.Message
	var pos rqlerr.Pos
	m := rqlPosRE.FindStringSubmatch(msg)
	if m != nil {
		msg = msg[len(m[0]):]
	} else {
		m = ksqlPosRE.FindStringSubmatch(msg)
	}
	switch {
	case ae.Line > 0:
		pos = shiftPos(ae.Line, max(ae.Column, 1), line, col)
	case m != nil:
		l, _ := strconv.Atoi(m[1])
		c, _ := strconv.Atoi(m[2])
		pos = shiftPos(l, c, line, col)
	}
	return &rqlerr.Error{Code: rqlerr.Code(ae.Code()), Msg: msg, Pos: pos, Err: ae}
}

func shiftPos(l, c, line, col int) rqlerr.Pos {
	if l <= 1 {
		return rqlerr.Pos{Line: line, Col: col + c - 1}
	}
	return rqlerr.Pos{Line: line + l - 1, Col: c}
}
