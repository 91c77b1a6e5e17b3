package parser

import (
	"fmt"
	"strconv"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// primitiveTypes maps ksqlDB's primitive type names to types.
var primitiveTypes = map[string]*sqltypes.Type{
	"BOOLEAN": sqltypes.Boolean, "INT": sqltypes.Int, "INTEGER": sqltypes.Int,
	"BIGINT": sqltypes.Bigint, "DOUBLE": sqltypes.Double, "STRING": sqltypes.String,
	"VARCHAR": sqltypes.String, "BYTES": sqltypes.Bytes, "TIMESTAMP": sqltypes.TimestampT,
	"DATE": sqltypes.DateT, "TIME": sqltypes.TimeT,
}

// reservedTypeNames are keywords that can never name a type (ksqlDB
// reserves them); they fail as syntax errors.
var reservedTypeNames = map[string]bool{
	"NULL": true, "TRUE": true, "FALSE": true, "SELECT": true, "FROM": true, "AS": true,
	"KEY": true, "PRIMARY": true, "HEADERS": true, "HEADER": true, "WITH": true,
}

// typ parses a type, as in DDL column lists and CAST:
//
//	ARRAY<T> | MAP<K, V> | STRUCT<name T, ...> | DECIMAL(p, s) | primitive
//	| name   (a KindNamed reference to a CREATE TYPE type)
func (p *parser) typ() *sqltypes.Type {
	t := p.peek()
	if !t.isName() || (t.Kind == tIdent && reservedTypeNames[t.Val]) {
		p.noViable(t)
	}
	p.next()
	if t.Kind == tQIdent {
		return &sqltypes.Type{Kind: sqltypes.KindNamed, Name: t.Val}
	}
	switch t.Val {
	case "ARRAY":
		p.expectOp("<")
		elem := p.typ()
		p.expectOp(">")
		return sqltypes.ArrayOf(elem)
	case "MAP":
		p.expectOp("<")
		k := p.typ()
		p.expectOp(",")
		v := p.typ()
		p.expectOp(">")
		return sqltypes.MapOf(k, v)
	case "STRUCT":
		p.expectOp("<")
		var fields []sqltypes.Field
		if !p.acceptOp(">") {
			for {
				name, _ := p.name()
				fields = append(fields, sqltypes.Field{Name: name, Type: p.typ()})
				if p.acceptOp(",") {
					continue
				}
				p.expectOp(">")
				break
			}
		}
		return sqltypes.StructOf(fields...)
	}
	params := p.typeParams()
	if t.Val == "DECIMAL" {
		return p.decimalType(t, params)
	}
	base, ok := primitiveTypes[t.Val]
	if !ok {
		base = &sqltypes.Type{Kind: sqltypes.KindNamed, Name: t.Val}
	}
	if params != nil && p.deferred == nil {
		p.deferred = p.errAt(rqlerr.ParseType, t.Off, "type %s does not take parameters", t.Val)
	}
	return base
}

// typeParams reads ksqlDB's optional '(' typeParameter, ... ')' after a
// base type; a parameter is INTEGER_VALUE or STRING. It returns nil when
// there is no parameter list, else the parameters' texts.
func (p *parser) typeParams() []token {
	if !p.peek().isOp("(") {
		return nil
	}
	p.next()
	params := []token{}
	for {
		t := p.peek()
		if t.Kind != tInt && !t.is("STRING") {
			p.expecting(t, "{'STRING', INTEGER_VALUE}")
		}
		params = append(params, p.next())
		if p.acceptOp(",") {
			continue
		}
		p.expectOp(")")
		return params
	}
}

// decimalType checks DECIMAL's parameters as ksqlDB does.
func (p *parser) decimalType(t token, params []token) *sqltypes.Type {
	if len(params) != 2 || params[0].Kind != tInt || params[1].Kind != tInt {
		p.fail(p.errAt(rqlerr.ParseType, t.Off, "DECIMAL type requires precision and scale: DECIMAL(precision, scale)"))
	}
	prec, err1 := strconv.Atoi(params[0].Text)
	scale, err2 := strconv.Atoi(params[1].Text)
	if err1 != nil || err2 != nil {
		p.fail(p.errAt(rqlerr.ParseType, t.Off, "DECIMAL precision and scale must be integers"))
	}
	desc := fmt.Sprintf("DECIMAL(%d,%d)", prec, scale)
	switch {
	case prec < 1:
		p.fail(p.errAt(rqlerr.ParseType, t.Off, "DECIMAL precision must be >= 1: %s", desc))
	case scale > prec:
		p.fail(p.errAt(rqlerr.ParseType, t.Off, "DECIMAL precision must be >= scale: %s", desc))
	}
	return sqltypes.DecimalOf(prec, scale)
}
