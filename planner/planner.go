package planner

import (
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// stmtPlanner plans one statement.
type stmtPlanner struct {
	cat   *Catalog
	reg   *udf.Registry
	props map[string]string
	// persistent is set while planning the body of a persistent query
	// (CSAS, CTAS, INSERT INTO ... SELECT), clear for a transient one.
	persistent bool
	// opts are the hooks of PlanStatementWith.
	opts PlanOptions
}

func (p *stmtPlanner) prop(name string) string {
	if v, ok := p.props[name]; ok {
		return v
	}
	return p.cat.Props[name]
}

// effectiveProps returns the statement's properties over the catalog's
// (the catalog's own map when the statement has none: not to be changed).
func (p *stmtPlanner) effectiveProps() map[string]string {
	if len(p.props) == 0 {
		return p.cat.Props
	}
	m := make(map[string]string, len(p.cat.Props)+len(p.props))
	for k, v := range p.cat.Props {
		m[k] = v
	}
	for k, v := range p.props {
		m[k] = v
	}
	return m
}

// PlanStatement validates stmt against the catalog and returns its plan.
// props are per-request property overrides on top of cat.Props (may be
// nil). Errors are *rqlerr.Error with ksqlDB's messages. PlanStatement does
// not change the catalog except to reserve query ids; the caller applies the
// plan. It never panics on user input.
func PlanStatement(cat *Catalog, reg *udf.Registry, stmt parser.Statement, props map[string]string) (plan StatementPlan, err error) {
	return PlanStatementWith(cat, reg, stmt, props, PlanOptions{})
}

func (p *stmtPlanner) plan(stmt parser.Statement) (StatementPlan, error) {
	switch s := stmt.(type) {
	case *parser.CreateSource:
		return p.createSource(s)
	case *parser.CreateAsSelect:
		return p.createAsSelect(s)
	case *parser.InsertInto:
		return p.insertInto(s)
	case *parser.InsertValues:
		return p.insertValues(s)
	case *parser.SelectStmt:
		return p.selectStmt(s)
	case *parser.Drop:
		return p.drop(s)
	case *parser.Show:
		return &ShowPlan{What: s.What, Extended: s.Extended}, nil
	case *parser.Describe:
		return p.describe(s)
	case *parser.DescribeFunction:
		if _, ok := p.reg.Lookup(s.Name); !ok {
			return nil, rqlerr.At(rqlerr.BindUnknownFunction, s.StmtPos, "Can't find any functions with the name '%s'", s.Name)
		}
		return &DescribeFunctionPlan{Name: strings.ToUpper(s.Name)}, nil
	case *parser.Explain:
		return p.explain(s)
	case *parser.Terminate:
		if s.All {
			var ids []string
			for _, q := range p.cat.Queries() {
				if !p.cat.sourceTableQuery(q) { // ended by DROP TABLE only
					ids = append(ids, q.ID)
				}
			}
			return &TerminatePlan{QueryIDs: ids}, nil
		}
		q, ok := p.cat.Query(s.QueryID)
		if !ok {
			return nil, rqlerr.At(rqlerr.StmtQueryMissing, s.StmtPos, "Unknown queryId: %s", s.QueryID)
		}
		if p.cat.sourceTableQuery(q) {
			return nil, rqlerr.At(rqlerr.StmtIncompatible, s.StmtPos, "Cannot terminate query '%s' because it is linked to a source table.", s.QueryID)
		}
		return &TerminatePlan{QueryIDs: []string{s.QueryID}}, nil
	case *parser.SetProperty:
		return &SetPlan{Name: s.Name, Value: s.Value}, nil
	case *parser.UnsetProperty:
		return &SetPlan{Name: s.Name, Unset: true}, nil
	case *parser.Print:
		return &PrintPlan{Stmt: s}, nil
	case *parser.CreateType:
		if _, ok := p.cat.Type(s.Name); ok {
			if s.IfNotExists {
				return &CreateTypePlan{Name: s.Name, Noop: true}, nil
			}
			return nil, rqlerr.At(rqlerr.StmtSourceExists, s.StmtPos, "Cannot register custom type '%s' since it is already registered with type: %s", s.Name, mustType(p.cat.Type(s.Name)))
		}
		t, err := p.resolveType(s.Type, s.StmtPos)
		if err != nil {
			return nil, err
		}
		return &CreateTypePlan{Name: strings.ToUpper(s.Name), Type: t}, nil
	case *parser.RunScript:
		return nil, rqlerr.At(rqlerr.ParseUnsupported, s.StmtPos, "line %d:%d: Syntax Error\nUnknown statement 'RUN'", s.StmtPos.Line, s.StmtPos.Col)
	case *parser.AlterSource:
		return p.alter(s)
	case *parser.CreateFunction:
		return p.createFunction(s)
	case *parser.DefineVariable, *parser.UndefineVariable:
		return &NoopPlan{}, nil
	}
	return nil, rqlerr.At(rqlerr.ParseUnsupported, stmt.Position(), "statement not supported yet: %T", stmt)
}

func mustType(t *sqltypes.Type, _ bool) *sqltypes.Type { return t }

func (p *stmtPlanner) selectStmt(s *parser.SelectStmt) (StatementPlan, error) {
	if s.Query.Emit == parser.EmitNone {
		return p.pullQuery(s)
	}
	if s.Query.Emit != parser.EmitChanges {
		return nil, rqlerr.At(rqlerr.BindUnsupported, s.StmtPos, "pull queries are not supported yet")
	}
	shape, err := p.planBody(s.Query, "", false, "")
	if err != nil {
		return nil, err
	}
	limit := int64(-1)
	if s.Query.Limit != nil {
		limit = *s.Query.Limit
	}
	return &SelectPlan{Query: &QueryPlan{Kind: QueryTransient, Root: shape.root, Sources: shape.sources, Limit: limit}}, nil
}

func (p *stmtPlanner) createAsSelect(s *parser.CreateAsSelect) (StatementPlan, error) {
	kind := kindName(s.Kind)
	if s.Query.Limit != nil {
		// ksqlDB rejects this while parsing, before looking at the catalog.
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "CREATE %s AS SELECT statements don't support LIMIT clause.", strings.ToUpper(kind))
	}
	old, exists := p.cat.SourceByName(s.Name)
	if exists {
		switch {
		case s.IfNotExists:
			return &CreateAsSelectPlan{Sink: old, Noop: true}, nil
		case !s.OrReplace:
			return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot add %s '%s': A %s with the same name already exists", kind, s.Name, kindName(old.Kind))
		case old.ReadOnly:
			return nil, rqlerr.At(rqlerr.StmtReadOnly, s.NamePos, "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kind, s.Name, kind)
		}
	}
	if _, err := globalProp(s.Props, s.Kind, true); err != nil {
		return nil, err
	}
	tsCol := ""
	if tp, ok := s.Props.Get("TIMESTAMP"); ok {
		tsCol = strings.ToUpper(strings.Trim(propString(tp), "`"))
	}
	shape, err := p.planBody(s.Query, s.Name, true, tsCol)
	if err != nil {
		return nil, err
	}
	in := shape.source
	if s.Kind == parser.KindStream && in.Kind == parser.KindTable {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
	}
	if s.Kind == parser.KindTable && in.Kind == parser.KindStream {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
	}
	defKey := in.KeyFormat
	if defKey == format.None {
		defKey = p.defaultKeyFormat()
	}
	w, err := parseWith(s.Props, defKey, in.ValueFormat)
	if err != nil {
		return nil, err
	}
	topic := w.topic
	if topic == "" {
		topic = p.prop(PropOutputTopicPrefix) + s.Name
	}
	sink := &Source{
		Name: s.Name, Kind: s.Kind, Topic: topic, Schema: shape.root.Out,
		KeyFormat: w.keyFormat, ValueFormat: w.valFormat, KeyOpts: w.keyOpts, ValueOpts: w.valOpts,
		Partitions: w.partitions, SQL: s.Text, Window: in.Window,
	}
	if sink.Partitions == 0 {
		sink.Partitions = in.Partitions
	}
	// Delimiters are inherited along with the format.
	if sink.ValueOpts.Delimiter == "" && sink.ValueFormat == in.ValueFormat {
		sink.ValueOpts.Delimiter = in.ValueOpts.Delimiter
	}
	if sink.KeyOpts.Delimiter == "" && sink.KeyFormat == in.KeyFormat {
		sink.KeyOpts.Delimiter = in.KeyOpts.Delimiter
	}
	if err := checkAggFormats(shape.root, sink.ValueFormat); err != nil {
		return nil, atPos(err, s.StmtPos)
	}
	if err := p.finishSource(sink, w, true); err != nil {
		return nil, atPos(err, s.StmtPos)
	}
	prefix := "CSAS"
	qk := QueryCSAS
	if s.Kind == parser.KindTable {
		prefix, qk = "CTAS", QueryCTAS
	}
	if exists {
		if err := compatibleSchemas(shape.root.Out, old.Schema); err != nil {
			return nil, atPos(err, s.StmtPos)
		}
	}
	id := p.cat.NextQueryID(prefix, s.Name)
	if exists && len(p.cat.QueriesWriting(s.Name)) > 0 {
		id = p.cat.QueriesWriting(s.Name)[0]
	}
	sink.QueryID = id
	q := &QueryPlan{ID: id, Kind: qk, Sources: shape.sources, Limit: -1,
		Root: p.sinkNode(shape.root, sink, id)}
	return &CreateAsSelectPlan{Sink: sink, Query: q, Replace: exists}, nil
}

// sinkNode wraps the projection in a Sink and names the internal topics.
func (p *stmtPlanner) sinkNode(root *Project, sink *Source, id string) *Sink {
	var fix func(n Node)
	fix = func(n Node) {
		if r, ok := n.(*Rekey); ok {
			r.RepartitionTopic = id + "-repartition"
		}
		nameInternal(n, id)
		for _, c := range n.Children() {
			fix(c)
		}
	}
	fix(root)
	ts := -1
	if sink.TimestampColumn != "" {
		ts = sink.Schema.Find(sink.TimestampColumn)
	}
	return &Sink{Input: root, Target: sink, TimestampIndex: ts}
}

func (p *stmtPlanner) insertInto(s *parser.InsertInto) (StatementPlan, error) {
	if s.Query.Limit != nil {
		// ksqlDB accepts and ignores LIMIT here (it rejects it only in CSAS /
		// CTAS); a persistent query never stops, so rql rejects it too,
		// worded as ksqlDB's CSAS message.
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "INSERT INTO ... SELECT statements don't support LIMIT clause.")
	}
	target, ok := p.cat.SourceByName(s.Target)
	if !ok {
		return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.TargetPos, "Source `%s` does not exist.", s.Target)
	}
	if target.Kind == parser.KindTable {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.TargetPos, "INSERT INTO can only be used to insert into a stream. %s is a table.", s.Target)
	}
	if target.ReadOnly {
		return nil, rqlerr.At(rqlerr.StmtReadOnly, s.TargetPos, "Cannot insert into read-only stream: %s", s.Target)
	}
	if len(target.Schema.Headers()) > 0 {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.TargetPos, "Cannot insert into %s because it has header columns", s.Target)
	}
	shape, err := p.planBody(s.Query, s.Target, true, "")
	if err != nil {
		return nil, err
	}
	if shape.source.Kind == parser.KindTable {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.StmtPos, "INSERT INTO can only be used to insert from a stream into a stream.")
	}
	if err := compatibleSchemas(shape.root.Out, target.Schema); err != nil {
		return nil, atPos(err, s.StmtPos)
	}
	id := p.cat.NextQueryID("INSERTQUERY", s.Target)
	q := &QueryPlan{ID: id, Kind: QueryInsert, Sources: shape.sources, Limit: -1,
		Root: p.sinkNode(shape.root, target, id)}
	return &InsertIntoPlan{Target: target, Query: q}, nil
}

// compatibleSchemas checks a query's result schema against an existing
// sink's, as ksqlDB's INSERT INTO does.
func compatibleSchemas(result, sink *sqltypes.Schema) error {
	ok := len(result.Columns) == len(sink.Columns)
	for i := 0; ok && i < len(result.Columns); i++ {
		r, s := result.Columns[i], sink.Columns[i]
		ok = r.Name == s.Name && r.Type.Equal(s.Type) && (r.NS == sqltypes.NSKey) == (s.NS == sqltypes.NSKey)
	}
	if ok {
		return nil
	}
	return rqlerr.New(rqlerr.StmtIncompatible, "Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s", ksqlSchema(result), ksqlSchema(sink))
}

// ksqlSchema prints a schema as ksqlDB's messages do: `K` STRING KEY, `V` INTEGER.
func ksqlSchema(s *sqltypes.Schema) string {
	parts := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		parts[i] = "`" + c.Name + "` " + c.Type.String()
		if c.NS == sqltypes.NSKey {
			parts[i] += " KEY"
		}
	}
	return strings.Join(parts, ", ")
}

func (p *stmtPlanner) drop(s *parser.Drop) (StatementPlan, error) {
	switch s.Kind {
	case parser.DropType:
		if _, ok := p.cat.Type(s.Name); !ok {
			if s.IfExists {
				return &DropPlan{Kind: s.Kind, Name: s.Name, Noop: true}, nil
			}
			return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.NamePos, "Type %s does not exist.", s.Name)
		}
		return &DropPlan{Kind: s.Kind, Name: s.Name}, nil
	case parser.DropFunction:
		return p.dropFunction(s)
	}
	src, ok := p.cat.SourceByName(s.Name)
	want := parser.KindStream
	if s.Kind == parser.DropTable {
		want = parser.KindTable
	}
	if !ok {
		if s.IfExists {
			return &DropPlan{Kind: s.Kind, Name: s.Name, Noop: true}, nil
		}
		return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.NamePos, "Source %s does not exist.", s.Name)
	}
	if src.Kind != want {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.NamePos, "Incompatible data source type is %s, but statement was DROP %s", strings.ToUpper(kindName(src.Kind)), strings.ToUpper(kindName(want)))
	}
	if s.DeleteTopic && src.ReadOnly {
		return nil, rqlerr.At(rqlerr.StmtReadOnly, s.StmtPos, "Cannot delete topic for read-only source: %s", s.Name)
	}
	if qs := p.cat.QueriesReading(s.Name); len(qs) > 0 {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.StmtPos, "Cannot drop %s.\nThe following queries read from this source: [%s].\nThe following queries write into this source: [%s].\nYou need to terminate them before dropping %s.", s.Name, strings.Join(qs, ", "), strings.Join(p.cat.QueriesWriting(s.Name), ", "), s.Name)
	}
	return &DropPlan{Kind: s.Kind, Name: s.Name, DeleteTopic: s.DeleteTopic, Source: src}, nil
}

func (p *stmtPlanner) describe(s *parser.Describe) (StatementPlan, error) {
	if s.IsAll {
		var out []*Source
		for _, src := range p.cat.Sources() {
			if src.Kind == s.All {
				out = append(out, src)
			}
		}
		return &DescribePlan{Sources: out, Extended: s.Extended}, nil
	}
	src, ok := p.cat.SourceByName(s.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.NamePos, "Could not find STREAM/TABLE '%s' in the Metastore", s.Name)
	}
	return &DescribePlan{Sources: []*Source{src}, Extended: s.Extended}, nil
}

func (p *stmtPlanner) explain(s *parser.Explain) (StatementPlan, error) {
	if s.Statement == nil {
		q, ok := p.cat.Query(s.QueryID)
		if !ok {
			return nil, rqlerr.At(rqlerr.StmtQueryMissing, s.StmtPos, "Query with id:%s does not exist, use SHOW QUERIES to view the full set of running queries.", s.QueryID)
		}
		return &ExplainPlan{Query: q.Plan, Text: Explain(q.Plan)}, nil
	}
	// Plan on a scratch copy of the query id sequence: EXPLAIN starts nothing.
	seq := p.cat.seq
	defer func() { p.cat.seq = seq }()
	sp, err := p.plan(s.Statement)
	if err != nil {
		return nil, err
	}
	var q *QueryPlan
	switch x := sp.(type) {
	case *CreateAsSelectPlan:
		q = x.Query
	case *InsertIntoPlan:
		q = x.Query
	case *SelectPlan:
		q = x.Query
	case *PullPlan:
		return &ExplainPlan{Pull: x, Text: ExplainPull(x)}, nil
	default:
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "EXPLAIN is only supported for queries")
	}
	if q == nil {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "nothing to explain")
	}
	return &ExplainPlan{Query: q, Text: Explain(q)}, nil
}
