package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
)

// Property names ksqlDB's WITH clause accepts for sources.
var knownSourceProps = map[string]bool{
	"KAFKA_TOPIC": true, "KEY_FORMAT": true, "VALUE_FORMAT": true, "FORMAT": true,
	"PARTITIONS": true, "REPLICAS": true, "TIMESTAMP": true, "TIMESTAMP_FORMAT": true,
	"VALUE_DELIMITER": true, "KEY_DELIMITER": true, "WRAP_SINGLE_VALUE": true, "WINDOW_TYPE": true,
	"WINDOW_SIZE": true, "KEY_SCHEMA_ID": true, "VALUE_SCHEMA_ID": true, "KEY_SCHEMA_FULL_NAME": true,
	"VALUE_SCHEMA_FULL_NAME": true, "VALUE_AVRO_SCHEMA_FULL_NAME": true, "RETENTION_MS": true,
	"SOURCE_CONNECTOR": true, PropGlobal: true,
}

// propString returns a property's value as text.
func propString(p parser.Property) string {
	switch v := p.Value.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(p.Value)
}

// withProps is a validated WITH clause.
type withProps struct {
	topic                string
	keyFormat, valFormat string
	keyOpts, valOpts     format.Options
	partitions           int
	timestamp            string
	timestampFormat      string
	wrapSet              bool
	// keyExplicit is set when KEY_FORMAT or FORMAT was given.
	keyExplicit bool
	// window is set by WINDOW_TYPE / WINDOW_SIZE.
	window *parser.Window
}

// parseWith validates a WITH clause. defaults supplies the key and value
// formats when absent (from properties or an inherited source).
func parseWith(props parser.Properties, defKey, defVal string) (*withProps, error) {
	w := &withProps{}
	for _, p := range props {
		if !knownSourceProps[strings.ToUpper(p.Name)] {
			return nil, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "Invalid config variable(s) in the WITH clause: %s", p.Name)
		}
	}
	get := func(n string) (string, bool) {
		p, ok := props.Get(n)
		if !ok {
			return "", false
		}
		return propString(p), true
	}
	w.topic, _ = get("KAFKA_TOPIC")
	f, hasF := get("FORMAT")
	k, hasK := get("KEY_FORMAT")
	v, hasV := get("VALUE_FORMAT")
	if hasF && hasV {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps, "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.")
	}
	if hasF && hasK {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps, "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.")
	}
	if hasF {
		k, v, hasK, hasV = f, f, true, true
	}
	w.keyExplicit = hasK
	if !hasK {
		k = defKey
	}
	if !hasV {
		v = defVal
	}
	w.keyFormat, w.valFormat = strings.ToUpper(k), strings.ToUpper(v)
	if p, ok := get("PARTITIONS"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "Invalid number of partitions: %s", p)
		}
		w.partitions = n
	}
	if p, ok := get("TIMESTAMP"); ok {
		w.timestamp = strings.ToUpper(strings.Trim(p, "`"))
		if pp, _ := props.Get("TIMESTAMP"); strings.HasPrefix(propString(pp), "`") {
			w.timestamp = strings.Trim(propString(pp), "`")
		}
	}
	w.timestampFormat, _ = get("TIMESTAMP_FORMAT")
	if wt, ok := get("WINDOW_TYPE"); ok {
		win := &parser.Window{Retention: -1, Grace: -1}
		switch strings.ToUpper(wt) {
		case "TUMBLING":
			win.Kind = parser.WindowTumbling
		case "HOPPING":
			win.Kind = parser.WindowHopping
		case "SESSION":
			win.Kind = parser.WindowSession
		default:
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "Invalid value for WINDOW_TYPE: %s. Valid values are SESSION, HOPPING, TUMBLING", wt)
		}
		if ws, ok := get("WINDOW_SIZE"); ok {
			if win.Kind == parser.WindowSession {
				return nil, rqlerr.New(rqlerr.StmtInvalidProps, "'WINDOW_SIZE' should not be set for SESSION windows.")
			}
			ms, err := parseDuration(ws)
			if err != nil {
				return nil, rqlerr.Wrap(rqlerr.StmtInvalidProps, err, "Configuration WINDOW_SIZE is invalid")
			}
			win.Size = ms
		}
		w.window = win
	}
	if p, ok := props.Get("WRAP_SINGLE_VALUE"); ok {
		b, err := strconv.ParseBool(propString(p))
		if err != nil {
			return nil, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "Invalid value for WRAP_SINGLE_VALUE: %s", propString(p))
		}
		w.valOpts.WrapSingleValue = &b
		w.wrapSet = true
	}
	for _, n := range []string{"VALUE_DELIMITER", "KEY_DELIMITER"} {
		d, ok := get(n)
		if !ok {
			continue
		}
		fm := w.valFormat
		if n == "KEY_DELIMITER" {
			fm = w.keyFormat
		}
		if fm != format.Delimited {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "%s does not support the following configs: [delimiter]", fm)
		}
		if err := checkDelimiter(n, d); err != nil {
			return nil, err
		}
		if n == "VALUE_DELIMITER" {
			w.valOpts.Delimiter = d
		} else {
			w.keyOpts.Delimiter = d
		}
	}
	return w, nil
}

// parseDuration parses "30 SECONDS", "1 MINUTE", "500 MILLISECONDS" into
// milliseconds.
func parseDuration(s string) (int64, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, rqlerr.New(rqlerr.StmtInvalidProps, "Invalid duration: '%s'", s)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, rqlerr.New(rqlerr.StmtInvalidProps, "Invalid duration: '%s'", s)
	}
	unit := strings.TrimSuffix(strings.ToUpper(f[1]), "S")
	mult := map[string]int64{"MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60000, "HOUR": 3600000, "DAY": 86400000}[unit]
	if mult == 0 {
		return 0, rqlerr.New(rqlerr.StmtInvalidProps, "Invalid duration: '%s'. Unknown time unit: '%s'", s, strings.ToUpper(f[1]))
	}
	return n * mult, nil
}

func checkDelimiter(name, d string) error {
	switch {
	case d != "" && strings.TrimSpace(d) == "":
		return rqlerr.New(rqlerr.StmtInvalidProps, "Failed to prepare statement: Configuration %s is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'", name)
	case d == "":
		return rqlerr.New(rqlerr.StmtInvalidProps, "Failed to prepare statement: Configuration %s is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'", name)
	case strings.EqualFold(d, "TAB"), strings.EqualFold(d, "SPACE"), len([]rune(d)) == 1:
		return nil
	}
	return rqlerr.New(rqlerr.StmtInvalidProps, "Failed to prepare statement: Configuration %s is invalid: Invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'", name, d)
}
