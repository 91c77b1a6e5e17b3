package server

import (
	"sort"
	"strconv"
	"strings"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// The entities of a /ksql response, in ksqlDB's JSON shapes (its
// io.confluent.ksql.rest.entity classes; "@type" names the class). Fields
// rql adds are named rql* and ignored by ksqlDB's clients.

type warning struct {
	Message string `json:"message"`
}

type commandStatusBody struct {
	Status  string  `json:"status"`
	Message string  `json:"message"`
	QueryID *string `json:"queryId"`
}

type statusEntityT struct {
	Type                  string            `json:"@type"`
	StatementText         string            `json:"statementText"`
	CommandID             string            `json:"commandId"`
	CommandStatus         commandStatusBody `json:"commandStatus"`
	CommandSequenceNumber int64             `json:"commandSequenceNumber"`
	Warnings              []warning         `json:"warnings"`
}

func statusEntity(text, cmdID, msg, queryID string, seq int64) statusEntityT {
	cs := commandStatusBody{Status: "SUCCESS", Message: msg}
	if queryID != "" {
		cs.QueryID = &queryID
	}
	return statusEntityT{Type: "currentStatus", StatementText: text, CommandID: cmdID, CommandStatus: cs,
		CommandSequenceNumber: seq, Warnings: []warning{}}
}

type schemaInfo struct {
	Type         string         `json:"type"`
	Fields       []fieldInfo    `json:"fields"`
	MemberSchema *schemaInfo    `json:"memberSchema"`
	Parameters   map[string]any `json:"parameters,omitempty"`
}

type fieldInfo struct {
	Name   string     `json:"name"`
	Schema schemaInfo `json:"schema"`
	Type   string     `json:"type,omitempty"` // KEY, HEADER
}

// schemaOf describes t as ksqlDB's SchemaInfo does.
func schemaOf(t *sqltypes.Type) schemaInfo {
	if t == nil {
		return schemaInfo{Type: "STRING"}
	}
	si := schemaInfo{Type: t.Kind.String()}
	switch t.Kind {
	case sqltypes.KindDecimal:
		si.Parameters = map[string]any{"precision": t.Precision, "scale": t.Scale}
	case sqltypes.KindArray, sqltypes.KindMap:
		m := schemaOf(t.Elem)
		si.MemberSchema = &m
	case sqltypes.KindStruct:
		si.Fields = []fieldInfo{}
		for _, f := range t.Fields {
			si.Fields = append(si.Fields, fieldInfo{Name: f.Name, Schema: schemaOf(f.Type)})
		}
	}
	return si
}

func fieldsOf(s *sqltypes.Schema) []fieldInfo {
	out := []fieldInfo{}
	if s == nil {
		return out
	}
	for _, c := range s.Columns {
		f := fieldInfo{Name: c.Name, Schema: schemaOf(c.Type)}
		switch c.NS {
		case sqltypes.NSKey:
			f.Type = "KEY"
		case sqltypes.NSHeaders:
			f.Type = "HEADER"
		}
		out = append(out, f)
	}
	return out
}

type sourceInfo struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Topic       string `json:"topic"`
	KeyFormat   string `json:"keyFormat"`
	ValueFormat string `json:"valueFormat"`
	IsWindowed  bool   `json:"isWindowed"`
}

type sourcesEntity struct {
	Type          string        `json:"@type"`
	StatementText string        `json:"statementText"`
	Streams       *[]sourceInfo `json:"streams,omitempty"`
	Tables        *[]sourceInfo `json:"tables,omitempty"`
	Warnings      []warning     `json:"warnings"`
}

// runningQuery is ksqlDB's RunningQuery, plus rql's live counters.
type runningQuery struct {
	QueryString     string         `json:"queryString"`
	Sinks           []string       `json:"sinks"`
	SinkKafkaTopics []string       `json:"sinkKafkaTopics"`
	ID              string         `json:"id"`
	StatusCount     map[string]int `json:"statusCount"`
	QueryType       string         `json:"queryType"`
	State           string         `json:"state"`
	RQLStatus       *queryStats    `json:"rqlStatus,omitempty"`
}

// queryStats is what this server's member of a query did since it
// started, and its runtime figures (entities_runtime.go).
type queryStats struct {
	Tasks            []string `json:"tasks"`
	Consumed         int64    `json:"recordsConsumed"`
	Produced         int64    `json:"recordsProduced"`
	Committed        int64    `json:"commits"`
	Aborted          int64    `json:"aborts"`
	ProcessingErrors int64    `json:"processingErrors"`
	Error            string   `json:"error,omitempty"`
	runtimeStats
}

type queriesEntity struct {
	Type          string         `json:"@type"`
	StatementText string         `json:"statementText"`
	Queries       []runningQuery `json:"queries"`
	Warnings      []warning      `json:"warnings"`
}

type sourceDescription struct {
	Name                 string         `json:"name"`
	WindowType           *string        `json:"windowType"`
	ReadQueries          []runningQuery `json:"readQueries"`
	WriteQueries         []runningQuery `json:"writeQueries"`
	Fields               []fieldInfo    `json:"fields"`
	Type                 string         `json:"type"`
	Timestamp            string         `json:"timestamp"`
	Statistics           string         `json:"statistics"`
	ErrorStats           string         `json:"errorStats"`
	Extended             bool           `json:"extended"`
	KeyFormat            string         `json:"keyFormat"`
	ValueFormat          string         `json:"valueFormat"`
	Topic                string         `json:"topic"`
	Partitions           int            `json:"partitions"`
	Replication          int            `json:"replication"`
	Statement            string         `json:"statement"`
	QueryOffsetSummaries []any          `json:"queryOffsetSummaries"`
	SourceConstraints    []string       `json:"sourceConstraints"`
}

type sourceDescriptionEntity struct {
	Type              string            `json:"@type"`
	StatementText     string            `json:"statementText"`
	SourceDescription sourceDescription `json:"sourceDescription"`
	Warnings          []warning         `json:"warnings"`
}

type sourceDescriptionList struct {
	Type               string              `json:"@type"`
	StatementText      string              `json:"statementText"`
	SourceDescriptions []sourceDescription `json:"sourceDescriptions"`
	Warnings           []warning           `json:"warnings"`
}

type queryDescription struct {
	ID                   string            `json:"id"`
	StatementText        string            `json:"statementText"`
	WindowType           *string           `json:"windowType"`
	Fields               []fieldInfo       `json:"fields"`
	Sources              []string          `json:"sources"`
	Sinks                []string          `json:"sinks"`
	Topology             string            `json:"topology"`
	ExecutionPlan        string            `json:"executionPlan"`
	OverriddenProperties map[string]string `json:"overriddenProperties"`
	KsqlHostQueryStatus  map[string]string `json:"ksqlHostQueryStatus"`
	QueryType            string            `json:"queryType"`
	QueryErrors          []any             `json:"queryErrors"`
	TasksMetadata        []any             `json:"tasksMetadata"`
	State                string            `json:"state,omitempty"`
}

type queryDescriptionEntity struct {
	Type             string           `json:"@type"`
	StatementText    string           `json:"statementText"`
	QueryDescription queryDescription `json:"queryDescription"`
	Warnings         []warning        `json:"warnings"`
}

type topicInfo struct {
	Name        string `json:"name"`
	ReplicaInfo []int  `json:"replicaInfo"`
}

type topicsEntity struct {
	Type          string      `json:"@type"`
	StatementText string      `json:"statementText"`
	Topics        []topicInfo `json:"topics"`
	Warnings      []warning   `json:"warnings"`
}

type simpleFunction struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Category string `json:"category"`
}

type functionNames struct {
	Type          string           `json:"@type"`
	StatementText string           `json:"statementText"`
	Functions     []simpleFunction `json:"functions"`
	Warnings      []warning        `json:"warnings"`
}

type argumentInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	IsVariadic  bool   `json:"isVariadic"`
}

type functionInfo struct {
	Arguments   []argumentInfo `json:"arguments"`
	ReturnType  string         `json:"returnType"`
	Description string         `json:"description"`
}

type functionDescription struct {
	Type          string         `json:"@type"`
	StatementText string         `json:"statementText"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	Author        string         `json:"author"`
	Version       string         `json:"version"`
	Path          string         `json:"path"`
	Functions     []functionInfo `json:"functions"`
	FunctionType  string         `json:"type"`
	Warnings      []warning      `json:"warnings"`
}

type propertyInfo struct {
	Name  string `json:"name"`
	Scope string `json:"scope"`
	Value string `json:"value"`
}

type propertiesList struct {
	Type                  string         `json:"@type"`
	StatementText         string         `json:"statementText"`
	Properties            []propertyInfo `json:"properties"`
	OverwrittenProperties []string       `json:"overwrittenProperties"`
	DefaultProperties     []string       `json:"defaultProperties"`
	Warnings              []warning      `json:"warnings"`
}

type variableInfo struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type variablesList struct {
	Type          string         `json:"@type"`
	StatementText string         `json:"statementText"`
	Variables     []variableInfo `json:"variables"`
	Warnings      []warning      `json:"warnings"`
}

type typeList struct {
	Type          string                `json:"@type"`
	StatementText string                `json:"statementText"`
	Types         map[string]schemaInfo `json:"types"`
	Warnings      []warning             `json:"warnings"`
}

// tableEntity is rql's entity for tabular results with no ksqlDB shape.
type tableEntity struct {
	Type          string     `json:"@type"`
	StatementText string     `json:"statementText"`
	Kind          string     `json:"kind"`
	Message       string     `json:"message,omitempty"`
	Columns       []string   `json:"columns"`
	Rows          [][]string `json:"rows"`
	Warnings      []warning  `json:"warnings"`
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func propertiesEntity(text string, props, baseline map[string]string) propertiesList {
	pl := propertiesList{Type: "properties", StatementText: text, Properties: []propertyInfo{},
		OverwrittenProperties: []string{}, DefaultProperties: []string{}, Warnings: []warning{}}
	for _, k := range sortedKeys(props) {
		pl.Properties = append(pl.Properties, propertyInfo{Name: k, Scope: "KSQL", Value: props[k]})
		if v, ok := baseline[k]; !ok || v != props[k] {
			pl.OverwrittenProperties = append(pl.OverwrittenProperties, k)
		}
	}
	return pl
}

func variablesEntity(text string, vars map[string]string) variablesList {
	vl := variablesList{Type: "variables", StatementText: text, Variables: []variableInfo{}, Warnings: []warning{}}
	for _, k := range sortedKeys(vars) {
		vl.Variables = append(vl.Variables, variableInfo{Name: k, Value: vars[k]})
	}
	return vl
}

// typesEntity lists the custom types; s.mu is held.
func (s *Server) typesEntity(text string) typeList {
	tl := typeList{Type: "type_list", StatementText: text, Types: map[string]schemaInfo{}, Warnings: []warning{}}
	cat := s.eng.Catalog()
	for _, name := range cat.Types() {
		if t, ok := cat.Type(name); ok {
			tl.Types[name] = schemaOf(t)
		}
	}
	return tl
}

// entity renders what a statement executed by the engine did; s.mu is
// held (the catalog is read).
func (s *Server) entity(st parser.Statement, ex execution) any {
	res, text := ex.res, st.SQL()
	switch res.Kind {
	case "SHOW_STREAMS", "SHOW_TABLES":
		list := []sourceInfo{}
		e := sourcesEntity{Type: "streams", StatementText: text, Streams: &list, Warnings: []warning{}}
		kind := "STREAM"
		if res.Kind == "SHOW_TABLES" {
			e = sourcesEntity{Type: "tables", StatementText: text, Tables: &list, Warnings: []warning{}}
			kind = "TABLE"
		}
		for _, row := range res.Rows {
			if len(row) < 5 {
				continue
			}
			si := sourceInfo{Type: kind, Name: row[0], Topic: row[1], KeyFormat: row[2], ValueFormat: row[3], IsWindowed: row[4] == "true"}
			list = append(list, si)
		}
		return e
	case "SHOW_QUERIES":
		qs := queriesEntity{Type: "queries", StatementText: text, Queries: []runningQuery{}, Warnings: []warning{}}
		for _, q := range s.eng.Catalog().Queries() {
			qs.Queries = append(qs.Queries, s.runningQuery(q))
		}
		return qs
	case "SHOW_TOPICS":
		te := topicsEntity{Type: "kafka_topics", StatementText: text, Topics: []topicInfo{}, Warnings: []warning{}}
		for _, row := range res.Rows {
			if len(row) < 3 {
				continue
			}
			parts, _ := strconv.Atoi(row[1])
			repl, _ := strconv.Atoi(row[2])
			ri := make([]int, parts)
			for i := range ri {
				ri[i] = repl
			}
			te.Topics = append(te.Topics, topicInfo{Name: row[0], ReplicaInfo: ri})
		}
		return te
	case "SHOW_FUNCTIONS":
		fe := functionNames{Type: "function_names", StatementText: text, Functions: []simpleFunction{}, Warnings: []warning{}}
		for _, f := range s.eng.Registry().List() {
			fe.Functions = append(fe.Functions, simpleFunction{Name: f.Name, Type: strings.ToUpper(f.Kind.String()), Category: f.Category})
		}
		return fe
	case "DESCRIBE_FUNCTION":
		return s.functionEntity(st, text)
	case "DESCRIBE":
		return s.describeEntity(st, res, text)
	case "EXPLAIN":
		return s.explainEntity(st, res, text)
	}
	if len(res.Rows) > 0 {
		return tableEntity{Type: "rql_table", StatementText: text, Kind: res.Kind, Message: res.Message,
			Columns: res.Columns, Rows: res.Rows, Warnings: []warning{}}
	}
	return statusEntity(text, ex.cmdID, res.Message, res.QueryID, ex.offset)
}

// runningQuery describes a persistent query with its state on this
// server.
func (s *Server) runningQuery(q *planner.PersistentQuery) runningQuery {
	rq := runningQuery{QueryString: q.SQL, Sinks: []string{q.Sink}, SinkKafkaTopics: []string{}, ID: q.ID,
		QueryType: "PERSISTENT", State: string(engine.StateStopped)}
	if src, ok := s.eng.Catalog().SourceByName(q.Sink); ok {
		rq.SinkKafkaTopics = append(rq.SinkKafkaTopics, src.Topic)
	}
	if st, ok := s.eng.Query(q.ID); ok {
		rq.State = string(st.State)
		qs := &queryStats{Tasks: st.Tasks, Consumed: st.Consumed, Produced: st.Produced, Committed: st.Committed,
			Aborted: st.Aborted, ProcessingErrors: st.ProcessingErrors}
		if qs.Tasks == nil {
			qs.Tasks = []string{}
		}
		if st.Err != nil {
			qs.Error = st.Err.Error()
		}
		qs.runtimeStats = runtimeOf(st)
		rq.RQLStatus = qs
	}
	rq.StatusCount = map[string]int{rq.State: 1}
	return rq
}

func windowName(w *parser.Window) *string {
	if w == nil {
		return nil
	}
	n := [...]string{"TUMBLING", "HOPPING", "SESSION"}[w.Kind]
	return &n
}

// describeSource renders a catalog source as a SourceDescription.
func (s *Server) describeSource(src *planner.Source, extended bool) sourceDescription {
	cat := s.eng.Catalog()
	d := sourceDescription{Name: src.Name, WindowType: windowName(src.Window), ReadQueries: []runningQuery{},
		WriteQueries: []runningQuery{}, Fields: fieldsOf(src.Schema), Type: src.Kind.String(),
		Timestamp: src.TimestampColumn, Extended: extended, KeyFormat: src.KeyFormat, ValueFormat: src.ValueFormat,
		Topic: src.Topic, Partitions: src.Partitions, Replication: 1, Statement: src.SQL,
		QueryOffsetSummaries: []any{}, SourceConstraints: []string{}}
	for _, id := range cat.QueriesReading(src.Name) {
		if q, ok := cat.Query(id); ok {
			d.ReadQueries = append(d.ReadQueries, s.runningQuery(q))
		}
	}
	for _, id := range cat.QueriesWriting(src.Name) {
		if q, ok := cat.Query(id); ok {
			d.WriteQueries = append(d.WriteQueries, s.runningQuery(q))
		}
	}
	if extended {
		d.Statistics, d.ErrorStats = s.sourceStatistics(src)
	}
	return d
}

func (s *Server) describeEntity(st parser.Statement, res engine.Result, text string) any {
	extended := false
	all := false
	if d, ok := st.(*parser.Describe); ok {
		extended, all = d.Extended, d.IsAll
	}
	var descs []sourceDescription
	seen := map[string]bool{}
	for _, row := range res.Rows {
		if len(row) == 0 || seen[row[0]] {
			continue
		}
		seen[row[0]] = true
		if src, ok := s.eng.Catalog().SourceByName(row[0]); ok {
			descs = append(descs, s.describeSource(src, extended))
		}
	}
	if all || len(descs) != 1 {
		if descs == nil {
			descs = []sourceDescription{}
		}
		return sourceDescriptionList{Type: "source_descriptions", StatementText: text, SourceDescriptions: descs, Warnings: []warning{}}
	}
	return sourceDescriptionEntity{Type: "sourceDescription", StatementText: text, SourceDescription: descs[0], Warnings: []warning{}}
}

func (s *Server) explainEntity(st parser.Statement, res engine.Result, text string) any {
	qd := queryDescription{StatementText: text, Fields: []fieldInfo{}, Sources: []string{}, Sinks: []string{},
		ExecutionPlan: res.Message, Topology: res.Message, OverriddenProperties: map[string]string{},
		KsqlHostQueryStatus: map[string]string{}, QueryType: "PERSISTENT", QueryErrors: []any{}, TasksMetadata: []any{}}
	if x, ok := st.(*parser.Explain); ok && x.QueryID != "" {
		if q, ok := s.eng.Catalog().Query(x.QueryID); ok {
			qd.ID, qd.StatementText = q.ID, q.SQL
			qd.Sources = append(qd.Sources, q.Sources...)
			qd.Sinks = append(qd.Sinks, q.Sink)
			if q.Plan != nil && q.Plan.Root != nil {
				qd.Fields = fieldsOf(q.Plan.Root.Schema())
			}
			rq := s.runningQuery(q)
			qd.State = rq.State
		}
	}
	return queryDescriptionEntity{Type: "queryDescription", StatementText: text, QueryDescription: qd, Warnings: []warning{}}
}

func (s *Server) functionEntity(st parser.Statement, text string) any {
	name := ""
	if d, ok := st.(*parser.DescribeFunction); ok {
		name = d.Name
	}
	fd := functionDescription{Type: "describe_function", StatementText: text, Name: strings.ToUpper(name),
		Author: "rql", Path: "internal", Functions: []functionInfo{}, FunctionType: "SCALAR", Warnings: []warning{}}
	def, ok := s.eng.Registry().Lookup(name)
	if !ok {
		return fd
	}
	fd.Name, fd.Description, fd.FunctionType = def.Name, def.Description, strings.ToUpper(def.Kind.String())
	for _, v := range def.Variants {
		fi := functionInfo{Arguments: []argumentInfo{}, Description: v.Description}
		vi := v.VariadicIndex()
		for i, p := range v.Params {
			fi.Arguments = append(fi.Arguments, argumentInfo{Name: p.Name, Type: typeName(p.Type), IsVariadic: i == vi})
		}
		if v.Return != nil {
			fi.ReturnType = typeName(v.Return)
		}
		fd.Functions = append(fd.Functions, fi)
	}
	return fd
}

// typeName prints a function parameter or return type as DESCRIBE
// FUNCTION does.
func typeName(t *sqltypes.Type) string { return udf.SignatureType(t) }
