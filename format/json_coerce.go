package format

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The coercions of ksqlDB's JSON deserializer (KsqlJsonDeserializer and
// JsonSerdeUtils), applied to a generic JSON tree: as ParseJSON produces
// it, or as encoding/json with UseNumber does (map[string]any objects).

// coercionError is a value that does not fit its type, with the path of the
// value in the document ("$.FOO[1]"), printed as ksqlDB prints it.
type coercionError struct {
	msg  string
	path string
}

func (e *coercionError) Error() string { return e.msg + ", path: " + e.path }

// jpath is the path of a value in a JSON document, printed only when an
// error needs it: prefix + name + "[idx]" (idx >= 0) + suffix.
type jpath struct {
	prefix, name, suffix string
	idx                  int
}

// rootPath is the document itself, "$".
var rootPath = jpath{prefix: "$", idx: -1}

func (p jpath) String() string {
	s := p.prefix + p.name
	if p.idx >= 0 {
		s += "[" + strconv.Itoa(p.idx) + "]"
	}
	return s + p.suffix
}

// elem is the path of element i of the array at p.
func (p jpath) elem(i int) jpath {
	if p.idx < 0 && p.suffix == "" {
		return jpath{prefix: p.prefix, name: p.name, idx: i}
	}
	return jpath{prefix: p.String(), idx: i}
}

// field is the path of member name of the object at p.
func (p jpath) field(name string) jpath {
	return jpath{prefix: p.String() + ".", name: name, idx: -1}
}

func (p jpath) fail(msg string) *coercionError { return &coercionError{msg: msg, path: p.String()} }

func invalidConversion(v any, required string, path jpath) *coercionError {
	return path.fail("Can't convert type. sourceType: " + nodeType(v) + ", requiredType: " + required)
}

func failedStringCoercion(t *sqltypes.Type, path jpath) *coercionError {
	return path.fail("Can't coerce string to type. targetType: " + t.Kind.String())
}

// nodeType names v as Jackson's node class, which ksqlDB's messages quote.
func nodeType(v any) string {
	switch x := v.(type) {
	case nil:
		return "NullNode"
	case bool:
		return "BooleanNode"
	case string:
		return "TextNode"
	case []any:
		return "ArrayNode"
	case *Object, map[string]any:
		return "ObjectNode"
	case json.Number:
		if !isIntegerText(string(x)) {
			return "DecimalNode"
		}
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return "IntNode"
			}
			return "LongNode"
		}
		return "BigIntegerNode"
	case float64, float32:
		return "DoubleNode"
	case int, int32, int64:
		return "LongNode"
	}
	return fmt.Sprintf("%T", v)
}

// requiredName is the type name ksqlDB's messages use for t.
func requiredName(t *sqltypes.Type) string {
	if t.IsPrimitive() && t.Kind != sqltypes.KindDecimal {
		return t.Kind.String()
	}
	return t.SQL()
}

func isIntegerText(s string) bool { return !strings.ContainsAny(s, ".eE") }

// fromJSON implements FromJSON.
func fromJSON(v any, t *sqltypes.Type) (sqltypes.Value, error) {
	out, cerr := coerce(v, t, rootPath)
	if cerr != nil {
		return nil, rqlerr.Wrap(rqlerr.FormatDeserialize, cerr, "")
	}
	return out, nil
}

// numberOf returns v as a JSON number's text, if it is a number.
func numberOf(v any) (json.Number, bool) {
	switch x := v.(type) {
	case json.Number:
		return x, true
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), true
	case float32:
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 32)), true
	case int:
		return json.Number(strconv.Itoa(x)), true
	case int32:
		return json.Number(strconv.FormatInt(int64(x), 10)), true
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), true
	}
	return "", false
}

var mask64 = new(big.Int).SetUint64(math.MaxUint64)

// truncInt64 returns the number truncated toward zero, keeping the low 64
// bits when it does not fit (Java's longValue of a BigDecimal/BigInteger).
func truncInt64(n json.Number) (int64, bool) {
	s := string(n)
	if isIntegerText(s) {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, true
		}
		b, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return 0, false
		}
		return int64(new(big.Int).And(b, mask64).Uint64()), true
	}
	d, err := sqltypes.ParseDecimal(s)
	if err != nil {
		return 0, false
	}
	q := d.Unscaled
	if d.Scale > 0 {
		q = new(big.Int).Quo(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	}
	if q.IsInt64() {
		return q.Int64(), true
	}
	return int64(new(big.Int).And(q, mask64).Uint64()), true
}

// coerce converts the JSON tree v to a value of type t.
func coerce(v any, t *sqltypes.Type, path jpath) (sqltypes.Value, *coercionError) {
	if v == nil {
		return nil, nil
	}
	switch t.Kind {
	case sqltypes.KindBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, invalidConversion(v, "BOOLEAN", path)
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		return coerceInteger(v, t, path)
	case sqltypes.KindDouble:
		if n, ok := numberOf(v); ok {
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil && !isRangeErr(err) {
				return nil, invalidConversion(v, "DOUBLE", path)
			}
			return f, nil
		}
		if s, ok := v.(string); ok {
			f, ok := parseJavaDouble(s)
			if !ok {
				return nil, failedStringCoercion(t, path)
			}
			return f, nil
		}
		return nil, invalidConversion(v, "DOUBLE", path)
	case sqltypes.KindDecimal:
		var text string
		if n, ok := numberOf(v); ok {
			text = string(n)
		} else if s, ok := v.(string); ok {
			text = s
		} else {
			return nil, invalidConversion(v, requiredName(t), path)
		}
		d, err := parseDecimal(text)
		if err != nil || strings.TrimSpace(text) != text {
			return nil, failedStringCoercion(t, path)
		}
		d, err = ensureFit(d, t)
		if err != nil {
			return nil, path.fail(err.Error())
		}
		return d, nil
	case sqltypes.KindString:
		return coerceString(v, path)
	case sqltypes.KindBytes:
		s, ok := v.(string)
		if !ok {
			return nil, invalidConversion(v, "BYTES", path)
		}
		b, err := decodeBase64(s)
		if err != nil {
			return nil, path.fail("Value is not a valid Base64 encoded string: " + s)
		}
		return b, nil
	case sqltypes.KindArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, invalidConversion(v, requiredName(t), path)
		}
		out := make([]sqltypes.Value, len(arr))
		for i, e := range arr {
			ev, err := coerce(e, t.Elem, path.elem(i))
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case sqltypes.KindMap:
		keys, vals, ok := objectMembers(v)
		if !ok {
			return nil, invalidConversion(v, requiredName(t), path)
		}
		m := &sqltypes.Map{Keys: make([]sqltypes.Value, 0, len(keys)), Vals: make([]sqltypes.Value, 0, len(keys))}
		base := path.String() + "."
		for i, k := range keys {
			kv, err := coerce(k, t.Key, jpath{prefix: base, name: k, suffix: ".key", idx: -1})
			if err != nil {
				return nil, err
			}
			vv, err := coerce(vals[i], t.Elem, jpath{prefix: base, name: k, suffix: ".value", idx: -1})
			if err != nil {
				return nil, err
			}
			mapPut(m, kv, vv)
		}
		return m, nil
	case sqltypes.KindStruct:
		keys, vals, ok := objectMembers(v)
		if !ok {
			return nil, invalidConversion(v, requiredName(t), path)
		}
		s := &sqltypes.Struct{Vals: make([]sqltypes.Value, len(t.Fields))}
		base := path.String() + "."
		for i, f := range t.Fields {
			fv := lookupField(keys, vals, f.Name)
			c, err := coerce(fv, f.Type, jpath{prefix: base, name: f.Name, idx: -1})
			if err != nil {
				return nil, err
			}
			s.Vals[i] = c
		}
		return s, nil
	}
	return nil, path.fail("Type is not supported: " + t.String())
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func coerceInteger(v any, t *sqltypes.Type, path jpath) (sqltypes.Value, *coercionError) {
	var n int64
	if num, ok := numberOf(v); ok {
		var ok2 bool
		if n, ok2 = truncInt64(num); !ok2 {
			return nil, invalidConversion(v, t.Kind.String(), path)
		}
	} else if s, ok := v.(string); ok {
		bits := 64
		if t.Kind == sqltypes.KindInt {
			bits = 32
		}
		var err error
		if n, err = strconv.ParseInt(s, 10, bits); err != nil {
			return nil, failedStringCoercion(t, path)
		}
	} else {
		return nil, invalidConversion(v, t.Kind.String(), path)
	}
	switch t.Kind {
	case sqltypes.KindInt:
		return int32(n), nil
	case sqltypes.KindBigint:
		return n, nil
	case sqltypes.KindTimestamp:
		return sqltypes.Timestamp(n), nil
	case sqltypes.KindDate:
		return sqltypes.Date(int32(n)), nil
	default: // TIME
		if err := checkTime(n); err != nil {
			return nil, path.fail(err.Error())
		}
		return sqltypes.Time(int32(n)), nil
	}
}

// checkTime enforces ksqlDB's range of TIME values.
func checkTime(ms int64) error {
	if ms < 0 || ms > 86400000 {
		return fmt.Errorf("Time values must use number of milliseconds greater than 0 and less than 86400000.")
	}
	return nil
}

// coerceString is ksqlDB's processString: objects become their compact
// JSON text, arrays "[a, b]" of their elements as strings, numbers and
// booleans their text.
func coerceString(v any, path jpath) (sqltypes.Value, *coercionError) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case *Object, map[string]any:
		b, err := appendAny(nil, x)
		if err != nil {
			return nil, path.fail("Unexpected inability to write value as string")
		}
		return string(b), nil
	case []any:
		var sb strings.Builder
		sb.WriteByte('[')
		base := path.String()
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			s, err := coerceString(e, jpath{prefix: base, idx: i})
			if err != nil {
				return nil, err
			}
			if s == nil {
				sb.WriteString("null")
			} else {
				sb.WriteString(s.(string))
			}
		}
		sb.WriteByte(']')
		return sb.String(), nil
	case nil:
		return nil, nil
	}
	if n, ok := numberOf(v); ok {
		return numberText(string(n)), nil
	}
	return nil, invalidConversion(v, "STRING", path)
}

// numberText is Jackson's asText of a number node: integers in canonical
// form, other numbers as Java's BigDecimal.toString of the exact value.
func numberText(s string) string {
	if isIntegerText(s) {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		if b, ok := new(big.Int).SetString(s, 10); ok {
			return b.String()
		}
		return s
	}
	return javaBigDecimalString(s)
}

// javaBigDecimalString prints the decimal number text s as Java's
// BigDecimal.toString does (scientific notation when the exponent is
// positive or the number is tiny: "1E+3", "1.0E-7").
func javaBigDecimalString(s string) string {
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(strings.TrimPrefix(s[i+1:], "+"), 10, 32)
		if err != nil {
			return s
		}
		mant, exp = s[:i], e
	}
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimLeft(mant, "+-")
	scale := int64(0)
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = int64(len(mant) - i - 1)
		mant = mant[:i] + mant[i+1:]
	}
	scale -= exp
	digits := strings.TrimLeft(mant, "0")
	if digits == "" {
		digits = "0"
	}
	adjusted := -scale + int64(len(digits)-1)
	var out string
	switch {
	case scale >= 0 && adjusted >= -6:
		if scale == 0 {
			out = digits
		} else {
			if int64(len(digits)) <= scale {
				digits = strings.Repeat("0", int(scale)-len(digits)+1) + digits
			}
			p := len(digits) - int(scale)
			out = digits[:p] + "." + digits[p:]
		}
	default:
		out = digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		out += "E"
		if adjusted >= 0 {
			out += "+"
		}
		out += strconv.FormatInt(adjusted, 10)
	}
	if neg && digits != "0" {
		return "-" + out
	}
	return out
}

// objectMembers returns the members of a JSON object, in document order
// for *Object and sorted by name for map[string]any.
func objectMembers(v any) ([]string, []any, bool) {
	switch x := v.(type) {
	case *Object:
		return x.Keys, x.Vals, true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		vals := make([]any, len(keys))
		for i, k := range keys {
			vals[i] = x[k]
		}
		return keys, vals, true
	}
	return nil, nil, false
}

// lookupField finds the member for a column or field named name: an exact
// match first, else the last member whose upper-cased name equals name
// (ksqlDB's case-insensitive matching of unquoted names).
func lookupField(keys []string, vals []any, name string) any {
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i] == name {
			return vals[i]
		}
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if strings.ToUpper(keys[i]) == name {
			return vals[i]
		}
	}
	return nil
}

// mapPut sets m[k] = v, replacing an existing equal key.
func mapPut(m *sqltypes.Map, k, v sqltypes.Value) {
	for i, e := range m.Keys {
		if keyEqual(e, k) {
			m.Vals[i] = v
			return
		}
	}
	m.Keys = append(m.Keys, k)
	m.Vals = append(m.Vals, v)
}

// decodeBase64 accepts padded and unpadded standard base64 (Java's
// decoder accepts both).
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		return b, nil
	}
	if b2, err2 := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err2 == nil {
		return b2, nil
	}
	return nil, err
}

// ensureFit checks that d fits DECIMAL(p, s) of t and returns it with scale
// s, as ksqlDB's DecimalUtil.ensureFit: no rounding is allowed.
func ensureFit(d sqltypes.Decimal, t *sqltypes.Type) (sqltypes.Decimal, error) {
	if t.Precision <= 0 {
		return d, nil
	}
	p, s := t.Precision, t.Scale
	// Fast path: a small value already at the column's scale.
	if int(d.Scale) == s && d.Unscaled != nil && d.Unscaled.IsInt64() && p <= 18 {
		if u := d.Unscaled.Int64(); u < pow10Int64[p] && u > -pow10Int64[p] {
			return d, nil
		}
	}
	intDigits := p - s
	limit := sqltypes.Decimal{Unscaled: new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(intDigits)), nil)}
	abs := sqltypes.Decimal{Unscaled: new(big.Int).Abs(d.Unscaled), Scale: d.Scale}
	if abs.Cmp(limit) >= 0 {
		return d, fmt.Errorf("Numeric field overflow: A field with precision %d and scale %d "+
			"must round to an absolute value less than 10^%d. Got %s", p, s, intDigits, d.String())
	}
	r := d.Rescale(int32(s))
	if r.Cmp(d) != 0 {
		return d, fmt.Errorf("Cannot fit decimal '%s' into DECIMAL(%d, %d) without rounding. (Requires %d,%d)",
			d.String(), p, s, d.Precision(), d.Scale)
	}
	return r, nil
}

var pow10Int64 = func() [19]int64 {
	var t [19]int64
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// parseDecimal is sqltypes.ParseDecimal with a fast path for plain
// numbers of at most 18 digits ("-12.50").
func parseDecimal(s string) (sqltypes.Decimal, error) {
	if len(s) > 0 && len(s) <= 20 {
		var u int64
		scale, digits, seenDot, ok := int32(0), 0, false, true
		i := 0
		neg := s[0] == '-'
		if neg || s[0] == '+' {
			i = 1
		}
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= '0' && c <= '9':
				u = u*10 + int64(c-'0')
				digits++
				if seenDot {
					scale++
				}
			case c == '.' && !seenDot:
				seenDot = true
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && digits > 0 && digits <= 18 {
			if neg {
				u = -u
			}
			return sqltypes.NewDecimal(u, scale), nil
		}
	}
	return sqltypes.ParseDecimal(s)
}

// keyEqual compares two MAP keys of the same type without panicking on
// uncomparable Go types.
func keyEqual(a, b sqltypes.Value) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	case sqltypes.Decimal:
		y, ok := b.(sqltypes.Decimal)
		return ok && x.Cmp(y) == 0
	case bool, int32, int64, float64, sqltypes.Timestamp, sqltypes.Date, sqltypes.Time:
		return a == b
	}
	return false
}
