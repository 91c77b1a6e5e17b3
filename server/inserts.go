package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

// handleInsertsStream is POST /inserts-stream: a first line
// {"target":"<stream>"}, then one JSON object per line, each inserted as
// INSERT INTO ... VALUES; one ack line per row, {"status":"ok","seq":n},
// or {"status":"error","seq":n,"error_code":...,"message":...}. Each line
// is capped at the body limit.
func (s *Server) handleInsertsStream(w http.ResponseWriter, r *http.Request) {
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 0, 64<<10), int(s.cfg.maxBody()))
	if !sc.Scan() {
		msg := "the request body is empty: a first line {\"target\":\"<stream>\"} is expected"
		if err := sc.Err(); err != nil {
			msg = "reading the request: " + err.Error()
		}
		writeError(w, r, http.StatusBadRequest, msg)
		return
	}
	var args struct {
		Target string `json:"target"`
	}
	if err := json.Unmarshal(sc.Bytes(), &args); err != nil || args.Target == "" {
		writeError(w, r, http.StatusBadRequest, "malformed first line: {\"target\":\"<stream>\"} is expected")
		return
	}
	s.mu.Lock()
	src, ok := s.eng.Catalog().SourceByName(strings.ToUpper(args.Target))
	if !ok {
		src, ok = s.eng.Catalog().SourceByName(args.Target)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusBadRequest, "Cannot insert values into an unknown stream: "+args.Target)
		return
	}
	w.Header().Set("Content-Type", delimitedType)
	w.WriteHeader(http.StatusOK)
	flush(w)
	for seq := int64(0); sc.Scan(); seq++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			seq--
			continue
		}
		ack := map[string]any{"status": "ok", "seq": seq}
		if err := s.insertJSON(r.Context(), src.Name, src.Schema, line); err != nil {
			ack = map[string]any{"status": "error", "seq": seq, "error_code": codeBadRequest, "message": errMessage(err)}
		}
		if _, err := w.Write(append(mustJSON(ack), '\n')); err != nil {
			return
		}
		flush(w)
	}
	if err := sc.Err(); err != nil {
		_, _ = w.Write(append(mustJSON(genericError(codeTooLarge, "reading the request: "+err.Error())), '\n'))
	}
}

// insertJSON inserts one JSON object into the stream name.
func (s *Server) insertJSON(ctx context.Context, name string, schema *sqltypes.Schema, line []byte) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		return fmt.Errorf("malformed JSON row: %v", err)
	}
	byName := map[string]sqltypes.Column{}
	for _, c := range schema.Columns {
		byName[strings.ToUpper(c.Name)] = c
	}
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cols, vals []string
	for _, k := range keys {
		c, ok := byName[strings.ToUpper(k)]
		if !ok {
			return fmt.Errorf("unknown column %s in stream %s", k, name)
		}
		lit, err := sqlLiteral(row[k], c.Type)
		if err != nil {
			return fmt.Errorf("column %s: %v", c.Name, err)
		}
		cols = append(cols, "`"+c.Name+"`")
		vals = append(vals, lit)
	}
	sql := "INSERT INTO `" + name + "` (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ");"
	stmts, err := parser.Parse(sql, parser.ParseOptions{})
	if err != nil {
		return err
	}
	iv, ok := stmts[0].(*parser.InsertValues)
	if !ok {
		return fmt.Errorf("cannot insert the row")
	}
	_, err = s.insertValues(ctx, iv, s.baseline)
	return err
}

// sqlLiteral writes a JSON value as a SQL literal of type t.
func sqlLiteral(v any, t *sqltypes.Type) (string, error) {
	if v == nil {
		return "NULL", nil
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch x := v.(type) {
	case bool:
		if x {
			return "TRUE", nil
		}
		return "FALSE", nil
	case json.Number:
		if t != nil && t.Kind == sqltypes.KindString {
			return quote(x.String()), nil
		}
		return x.String(), nil
	case string:
		if t != nil && t.Kind == sqltypes.KindBytes {
			return "TO_BYTES(" + quote(x) + ", 'base64')", nil
		}
		return quote(x), nil
	case []any:
		var elem *sqltypes.Type
		if t != nil {
			elem = t.Elem
		}
		parts := make([]string, len(x))
		for i, e := range x {
			p, err := sqlLiteral(e, elem)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if t != nil && t.Kind == sqltypes.KindStruct {
			var parts []string
			for _, k := range keys {
				fi := t.FieldIndex(k)
				if fi < 0 {
					return "", fmt.Errorf("unknown struct field %s", k)
				}
				p, err := sqlLiteral(x[k], t.Fields[fi].Type)
				if err != nil {
					return "", err
				}
				parts = append(parts, "`"+t.Fields[fi].Name+"` := "+p)
			}
			return "STRUCT(" + strings.Join(parts, ", ") + ")", nil
		}
		var elem *sqltypes.Type
		if t != nil {
			elem = t.Elem
		}
		var parts []string
		for _, k := range keys {
			p, err := sqlLiteral(x[k], elem)
			if err != nil {
				return "", err
			}
			parts = append(parts, quote(k)+" := "+p)
		}
		return "MAP(" + strings.Join(parts, ", ") + ")", nil
	}
	return "", fmt.Errorf("unsupported JSON value %v", v)
}
