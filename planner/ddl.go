package planner

import (
	"errors"
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Property names read by the planner.
const (
	PropDefaultValueFormat = "ksql.persistence.default.format.value"
	PropDefaultKeyFormat   = "ksql.persistence.default.format.key"
	PropWrapSingleValues   = "ksql.persistence.wrap.single.values"
	PropOutputTopicPrefix  = "ksql.output.topic.name.prefix"
)

func kindName(k parser.SourceKind) string {
	if k == parser.KindTable {
		return "table"
	}
	return "stream"
}

var headersType = sqltypes.ArrayOf(sqltypes.StructOf(
	sqltypes.Field{Name: "KEY", Type: sqltypes.String}, sqltypes.Field{Name: "VALUE", Type: sqltypes.Bytes}))

func (p *stmtPlanner) createSource(s *parser.CreateSource) (StatementPlan, error) {
	kind := kindName(s.Kind)
	if old, ok := p.cat.SourceByName(s.Name); ok {
		switch {
		case s.IfNotExists:
			return &CreateSourcePlan{Source: old, Noop: true}, nil
		case s.Source || old.ReadOnly:
			if s.OrReplace {
				return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kind, s.Name, kind)
			}
		case !s.OrReplace:
			return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot add %s '%s': A %s with the same name already exists", kind, s.Name, kindName(old.Kind))
		}
		if s.OrReplace && !s.Source && old.ReadOnly {
			return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot alter %s '%s': ALTER operations are not supported on source %ss.", kind, s.Name, kind)
		}
		if !s.OrReplace {
			return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot add %s '%s': A %s with the same name already exists", kind, s.Name, kindName(old.Kind))
		}
	} else if s.OrReplace && s.Source {
		return nil, rqlerr.At(rqlerr.StmtSourceExists, s.NamePos, "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kind, s.Name, kind)
	}
	schema, err := p.elementsSchema(s.Kind, s.Elements)
	if err != nil {
		return nil, err
	}
	w, err := parseWith(s.Props, p.defaultKeyFormat(), p.prop(PropDefaultValueFormat))
	if err != nil {
		return nil, err
	}
	global, err := globalProp(s.Props, s.Kind, false)
	if err != nil {
		return nil, err
	}
	if w.topic == "" {
		return nil, rqlerr.At(rqlerr.StmtInvalidProps, s.StmtPos, "Missing required property \"KAFKA_TOPIC\" which has no default value.")
	}
	if w.valFormat == "" {
		return nil, rqlerr.At(rqlerr.StmtInvalidProps, s.StmtPos, "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the '%s' config.", PropDefaultValueFormat)
	}
	if s.Kind == parser.KindTable && len(schema.Key()) == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.")
	}
	src := &Source{
		Name: s.Name, Kind: s.Kind, Topic: w.topic, Schema: schema,
		KeyFormat: w.keyFormat, ValueFormat: w.valFormat, KeyOpts: w.keyOpts, ValueOpts: w.valOpts,
		Partitions: w.partitions, ReadOnly: s.Source, SQL: s.Text, Window: w.window, Global: global,
	}
	if src.Window != nil && len(schema.Key()) == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "Windowed sources require a key column.")
	}
	if err := p.finishSource(src, w, false); err != nil {
		return nil, atPos(err, s.StmtPos)
	}
	_, exists := p.cat.SourceByName(s.Name)
	return &CreateSourcePlan{Source: src, Replace: exists}, nil
}

// defaultKeyFormat is the key format when none is given.
func (p *stmtPlanner) defaultKeyFormat() string {
	if f := p.prop(PropDefaultKeyFormat); f != "" {
		return f
	}
	return format.Kafka
}

// finishSource applies the WRAP_SINGLE_VALUE default, resolves the
// TIMESTAMP column and checks the formats can carry the schema.
func (p *stmtPlanner) finishSource(src *Source, w *withProps, sink bool) error {
	if w.keyFormat == format.None && len(src.Schema.Key()) > 0 {
		return rqlerr.New(rqlerr.FormatUnsupported, "The 'NONE' format can only be used when no columns are defined. Got: %s", colList(src.Schema.Key()))
	}
	if len(src.Schema.Key()) == 0 && w.keyFormat != format.None && src.Window == nil && (sink || !w.keyExplicit) {
		// ksqlDB uses the NONE key format for sources without key columns
		// (a declared one is kept, for queries that add a key).
		src.KeyFormat = format.None
	}
	if w.wrapSet && len(src.Schema.Value()) != 1 {
		return rqlerr.New(rqlerr.StmtInvalidProps, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
	}
	if !w.wrapSet && p.prop(PropWrapSingleValues) == "false" && len(src.Schema.Value()) == 1 {
		f := false
		src.ValueOpts.WrapSingleValue = &f
	}
	if w.timestamp != "" {
		i := src.Schema.Find(w.timestamp)
		if i < 0 {
			return rqlerr.New(rqlerr.StmtInvalidProps, "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", w.timestamp)
		}
		t := src.Schema.Columns[i].Type
		switch t.Kind {
		case sqltypes.KindBigint, sqltypes.KindTimestamp:
		case sqltypes.KindString:
			if w.timestampFormat == "" {
				return rqlerr.New(rqlerr.StmtInvalidProps, "A String timestamp field has been specified without also specifying the TIMESTAMP_FORMAT property.")
			}
		default:
			return rqlerr.New(rqlerr.StmtInvalidProps, "Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with a TIMESTAMP_FORMAT specified.", w.timestamp)
		}
		src.TimestampColumn = src.Schema.Columns[i].Name
		src.TimestampFormat = w.timestampFormat
	}
	return checkFormats(src)
}

// checkFormats builds the source's serdes, surfacing the format's errors in
// ksqlDB's words.
func checkFormats(src *Source) error {
	key := src.Schema.Key()
	if err := format.CheckKeyColumns(key); err != nil {
		return err
	}
	if src.KeyFormat != format.None || len(key) > 0 {
		if _, err := format.NewKeySerde(src.KeyFormat, key, src.KeyOpts); err != nil {
			return formatErr("Key", src.KeyFormat, key, err)
		}
	}
	if _, err := format.NewValueSerde(src.ValueFormat, src.Schema.Value(), src.ValueOpts); err != nil {
		return formatErr("Value", src.ValueFormat, src.Schema.Value(), err)
	}
	return nil
}

func formatErr(what, fm string, cols []sqltypes.Column, err error) error {
	var e *rqlerr.Error
	msg := err.Error()
	if errors.As(err, &e) {
		msg = e.Msg
	}
	if strings.HasPrefix(msg, what+" format does not support schema.") {
		return err // the format already said it in ksqlDB's words
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "`" + c.Name + "` " + c.Type.String()
		if c.NS == sqltypes.NSKey {
			parts[i] += " KEY"
		}
	}
	return &rqlerr.Error{Code: rqlerr.FormatUnsupported, Err: err,
		Msg: what + " format does not support schema.\nformat: " + fm + "\nschema: Persistence{columns=[" +
			strings.Join(parts, ", ") + "], features=[]}\nreason: " + msg}
}

func colList(cols []sqltypes.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "`" + c.Name + "` " + c.Type.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// elementsSchema builds a source schema from DDL column definitions: key
// columns first, then value and header columns as declared.
func (p *stmtPlanner) elementsSchema(kind parser.SourceKind, els []parser.TableElement) (*sqltypes.Schema, error) {
	var keys, rest []sqltypes.Column
	seen := map[string]bool{}
	for _, e := range els {
		if _, ok := pseudoByName(e.Name); ok {
			return nil, rqlerr.At(rqlerr.BindInvalid, e.Pos, "'%s' is a reserved column name. You cannot use it as a name for a column.", e.Name)
		}
		if seen[e.Name] {
			return nil, rqlerr.At(rqlerr.BindInvalid, e.Pos, "Duplicate column names: %s", e.Name)
		}
		seen[e.Name] = true
		t, err := p.resolveType(e.Type, e.Pos)
		if err != nil {
			return nil, err
		}
		c := sqltypes.Column{Name: e.Name, Type: t}
		switch e.Constraint {
		case parser.ColKey:
			if kind == parser.KindTable {
				return nil, rqlerr.At(rqlerr.BindInvalid, e.Pos, "Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", e.Name)
			}
			c.NS = sqltypes.NSKey
			keys = append(keys, c)
		case parser.ColPrimaryKey:
			if kind == parser.KindStream {
				return nil, rqlerr.At(rqlerr.BindInvalid, e.Pos, "Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", e.Name)
			}
			c.NS = sqltypes.NSKey
			keys = append(keys, c)
		case parser.ColHeaders:
			if !t.Equal(headersType) {
				return nil, rqlerr.At(rqlerr.BindType, e.Pos, "Invalid type for HEADERS column: expected %s, got %s", headersType, t)
			}
			c.NS = sqltypes.NSHeaders
			rest = append(rest, c)
		case parser.ColHeader:
			if t.Kind != sqltypes.KindBytes {
				return nil, rqlerr.At(rqlerr.BindType, e.Pos, "Invalid type for HEADER('%s') column: expected BYTES, got %s", e.HeaderKey, t)
			}
			c.NS, c.HeaderKey = sqltypes.NSHeaders, e.HeaderKey
			rest = append(rest, c)
		default:
			rest = append(rest, c)
		}
	}
	return &sqltypes.Schema{Columns: append(keys, rest...)}, nil
}

// resolveType replaces references to CREATE TYPE types.
func (p *stmtPlanner) resolveType(t *sqltypes.Type, pos rqlerr.Pos) (*sqltypes.Type, error) {
	if t == nil {
		return nil, rqlerr.At(rqlerr.ParseType, pos, "missing type")
	}
	switch t.Kind {
	case sqltypes.KindNamed:
		r, ok := p.cat.Type(t.Name)
		if !ok {
			return nil, rqlerr.At(rqlerr.ParseType, pos, "Unknown type: %s", t.Name)
		}
		return r, nil
	case sqltypes.KindArray:
		e, err := p.resolveType(t.Elem, pos)
		if err != nil {
			return nil, err
		}
		return sqltypes.ArrayOf(e), nil
	case sqltypes.KindMap:
		k, err := p.resolveType(t.Key, pos)
		if err != nil {
			return nil, err
		}
		v, err := p.resolveType(t.Elem, pos)
		if err != nil {
			return nil, err
		}
		return sqltypes.MapOf(k, v), nil
	case sqltypes.KindStruct:
		fs := make([]sqltypes.Field, len(t.Fields))
		for i, f := range t.Fields {
			ft, err := p.resolveType(f.Type, pos)
			if err != nil {
				return nil, err
			}
			fs[i] = sqltypes.Field{Name: f.Name, Type: ft}
		}
		return sqltypes.StructOf(fs...), nil
	}
	return t, nil
}
