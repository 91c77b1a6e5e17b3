package server

import (
	"context"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/parser"
)

// statementTimeout bounds one statement (topic creation, query start):
// a statement is not abandoned half-way when its client goes away.
const statementTimeout = 2 * time.Minute

// syncProps makes the engine's properties equal props, with SET / UNSET
// statements (the engine's only way to change them), for a catalog
// statement (queries use engine.Session.RunWith instead). s.mu is held.
func (s *Server) syncProps(ctx context.Context, props map[string]string) {
	cur := s.eng.Catalog().Props
	var unset, set []string
	for k := range cur {
		if _, ok := props[k]; !ok {
			unset = append(unset, k)
		}
	}
	for k, v := range props {
		if old, ok := cur[k]; !ok || old != v {
			set = append(set, k)
		}
	}
	sort.Strings(unset)
	sort.Strings(set)
	for _, k := range unset {
		if _, err := s.eng.ExecuteStatement(ctx, &parser.UnsetProperty{StmtBase: parser.StmtBase{Text: "UNSET '" + k + "'"}, Name: k}); err != nil {
			s.log.Warn("unsetting a property", "property", k, "err", err)
		}
	}
	for _, k := range set {
		st := &parser.SetProperty{StmtBase: parser.StmtBase{Text: "SET '" + k + "'='" + props[k] + "'"}, Name: k, Value: props[k]}
		if _, err := s.eng.ExecuteStatement(ctx, st); err != nil {
			s.log.Warn("setting a property", "property", k, "err", err)
		}
	}
}

// recorded reports whether st changes the catalog, and so goes to the
// command topic.
func recorded(st parser.Statement) bool {
	switch st.(type) {
	case *parser.CreateSource, *parser.CreateAsSelect, *parser.InsertInto, *parser.Drop, *parser.Terminate,
		*parser.CreateType, *parser.CreateFunction, *parser.AlterSource:
		return true
	}
	return false
}

// commandID names a statement as ksqlDB's command ids do:
// "<type>/<entity>/<action>".
func commandID(st parser.Statement, res engine.Result) string {
	switch x := st.(type) {
	case *parser.CreateSource:
		return strings.ToLower(x.Kind.String()) + "/" + x.Name + "/create"
	case *parser.CreateAsSelect:
		return strings.ToLower(x.Kind.String()) + "/" + x.Name + "/create"
	case *parser.InsertInto:
		return "stream/" + x.Target + "/execute"
	case *parser.AlterSource:
		return strings.ToLower(x.Kind.String()) + "/" + x.Name + "/alter"
	case *parser.Drop:
		kind := [...]string{"stream", "table", "type", "function"}[x.Kind]
		return kind + "/" + x.Name + "/drop"
	case *parser.Terminate:
		if x.All {
			return "terminate/ALL/execute"
		}
		return "terminate/" + x.QueryID + "/execute"
	case *parser.CreateType:
		return "type/" + strings.ToUpper(x.Name) + "/create"
	case *parser.CreateFunction:
		return "function/" + strings.ToUpper(x.Name) + "/create"
	}
	return ""
}

// execution is what executing one statement of a request did.
type execution struct {
	res    engine.Result
	cmdID  string
	offset int64 // in the command topic; -1 when not recorded
}

// execute runs one catalog statement under props and vars and, when it
// changes the catalog and succeeded, appends it to the command topic.
func (s *Server) execute(ctx context.Context, st parser.Statement, props, vars map[string]string) (execution, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statementTimeout)
	defer cancel()
	s.mu.Lock()
	locked := true
	defer func() {
		if locked {
			s.mu.Unlock()
		}
	}()
	s.syncProps(ctx, props)
	seq := s.eng.Catalog().QuerySeq()
	res, err := s.eng.ExecuteStatement(ctx, st)
	s.syncProps(ctx, s.baseline)
	ex := execution{res: res, offset: -1}
	if err != nil {
		s.metrics.statement(false)
		return ex, err
	}
	s.metrics.statement(true)
	if !recorded(st) {
		return ex, nil
	}
	ex.cmdID = commandID(st, res)
	c := command{Statement: st.SQL(), Variables: maps.Clone(vars), Properties: maps.Clone(props),
		QuerySeq: seq, CommandID: ex.cmdID, Origin: s.instance, Nonce: randomID(8)}
	wait, err := s.cmds.write(ctx, c)
	s.setStatus(ex.cmdID, commandStatus{Status: "SUCCESS", Message: res.Message, QueryID: res.QueryID})
	s.mu.Unlock()
	locked = false
	if err != nil {
		s.log.Error("statement executed but not recorded in the command topic", "statement", st.SQL(), "err", err)
		return ex, err
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	ex.offset = wait(wctx)
	return ex, nil
}

// applyCommand applies a command read from the command topic: commands
// this process wrote (and markers) are skipped, others are executed as
// their server executed them.
func (s *Server) applyCommand(c command, offset int64) {
	if c.Marker || c.Origin == s.instance || c.Statement == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), statementTimeout)
	defer cancel()
	stmts, err := parser.Parse(c.Statement, parser.ParseOptions{Variables: c.Variables})
	if err == nil && len(stmts) != 1 {
		err = errOneStatement(len(stmts))
	}
	if err != nil {
		s.log.Warn("command topic: skipping a command that does not parse", "offset", offset, "statement", c.Statement, "err", err)
		s.setStatus(c.CommandID, commandStatus{Status: "ERROR", Message: errMessage(err)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncProps(ctx, c.Properties)
	s.eng.Catalog().SetQuerySeq(c.QuerySeq)
	res, err := s.eng.ExecuteStatement(ctx, stmts[0])
	s.syncProps(ctx, s.baseline)
	s.metrics.commandApplied(err == nil)
	if err != nil {
		s.log.Warn("command topic: a command failed", "offset", offset, "statement", c.Statement, "err", err)
		s.setStatus(c.CommandID, commandStatus{Status: "ERROR", Message: errMessage(err)})
		return
	}
	s.log.Info("command topic: applied", "offset", offset, "command", c.CommandID, "result", res.Message)
	s.setStatus(c.CommandID, commandStatus{Status: "SUCCESS", Message: res.Message, QueryID: res.QueryID})
}
