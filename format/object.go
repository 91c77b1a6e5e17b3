package format

// Object is a JSON object that keeps its members in order. The JSON parser
// of this package produces it for objects, and ToJSON returns it for MAP and
// STRUCT values; it marshals with encoding/json in member order.
type Object struct {
	Keys []string
	Vals []any
}

// Get returns the value of the last member named key (JSON objects with
// duplicate names keep the last, as Jackson does) and whether it exists.
func (o *Object) Get(key string) (any, bool) {
	for i := len(o.Keys) - 1; i >= 0; i-- {
		if o.Keys[i] == key {
			return o.Vals[i], true
		}
	}
	return nil, false
}

// MarshalJSON writes the members in order. Values must be what ToJSON or
// ParseJSON produce (nil, bool, json.Number, string, []any, *Object, and
// map[string]any or any other type encoding/json can marshal).
func (o *Object) MarshalJSON() ([]byte, error) {
	return appendAny(nil, o)
}
