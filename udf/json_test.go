package udf

import (
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestJSONFunctions(t *testing.T) {
	s := sqltypes.String
	runFnCases(t, []fnCase{
		{"EXTRACTJSONFIELD", []tv{sv(`{"name": "cdc", "version": "1", "@type": "UDF"}`), sv("$.name")}, "cdc"},
		{"EXTRACTJSONFIELD", []tv{sv(`{"name": "cdc", "version": "1", "@type": "UDF"}`), sv("$.@type")}, "UDF"},
		{"EXTRACTJSONFIELD", []tv{sv(`{"array": [1, 2, 3]}`), sv("$.array[-1]")}, nil},
		{"EXTRACTJSONFIELD", []tv{sv(`{"array": [1, 2, 3]}`), sv("$.array[1]")}, "2"},
		{"EXTRACTJSONFIELD", []tv{sv(`{"array": [1.23450]}`), sv("$.array[0]")}, "1.23450"},
		{"EXTRACTJSONFIELD", []tv{sv(`{"a": {"b": [true]}}`), sv("$.a")}, `{"b":[true]}`},
		{"EXTRACTJSONFIELD", []tv{sv(`{"a": {"b c": 1}}`), sv(`$.a['b c']`)}, "1"},
		{"EXTRACTJSONFIELD", []tv{sv(`not json`), sv("$.a")}, nil},
		{"IS_JSON_STRING", []tv{sv("1")}, true},
		{"IS_JSON_STRING", []tv{sv("abc")}, false},
		{"IS_JSON_STRING", []tv{sv(`"abc"`)}, true},
		{"IS_JSON_STRING", []tv{sv("")}, false},
		{"IS_JSON_STRING", []tv{nv(s)}, false},
		{"JSON_ARRAY_LENGTH", []tv{sv(`["Red", "Green"]`)}, int32(2)},
		{"JSON_ARRAY_LENGTH", []tv{sv(`[]`)}, int32(0)},
		{"JSON_ARRAY_LENGTH", []tv{sv(``)}, nil},
		{"JSON_ARRAY_CONTAINS", []tv{sv(`[1, 2, 3]`), iv(2)}, true},
		{"JSON_ARRAY_CONTAINS", []tv{sv(`[1.5, 2]`), dv(1.5)}, true},
		{"JSON_ARRAY_CONTAINS", []tv{sv(`["a", null]`), sv("b")}, false},
		{"JSON_ARRAY_CONTAINS", []tv{sv(`[true]`), {sqltypes.Boolean, true}}, true},
		{"JSON_ARRAY_CONTAINS", []tv{sv(`{}`), iv(1)}, false},
		{"JSON_CONCAT", []tv{sv(`{"a": 1}`), sv(`{"b": 2}`), sv(`{"c": 3}`)}, `{"a":1,"b":2,"c":3}`},
		{"JSON_CONCAT", []tv{sv(`{"a": {"5": 6}}`), sv(`{"a": {"3": 4}}`), sv(`{"a": {"7": 8}}`)}, `{"a":{"7":8}}`},
		{"JSON_CONCAT", []tv{sv(`[1, 2]`), sv(`[3, 4]`), sv(`[5, 6]`)}, `[1,2,3,4,5,6]`},
		{"JSON_CONCAT", []tv{sv(`null`), sv(`null`), sv(`null`)}, `[null,null,null]`},
		{"JSON_CONCAT", []tv{sv(`[1, 2]`), sv(`{"a": 1}`), sv(`4`)}, `[1,2,{"a":1},4]`},
		{"JSON_CONCAT", []tv{sv(`[]`), sv(`[]`)}, `[]`},
		{"JSON_CONCAT", []tv{sv(`1`), sv(``), sv(`2`)}, nil},
		{"JSON_KEYS", []tv{sv(`{"Red": 3, "Green": 5}`)}, strs("Red", "Green")},
		{"JSON_KEYS", []tv{sv(`{}`)}, strs()},
		{"JSON_KEYS", []tv{sv(``)}, nil},
		{"JSON_RECORDS", []tv{sv(`{"Red": 3, "White": "Seven"}`)}, &sqltypes.Map{Keys: strs("Red", "White"), Vals: strs("3", "Seven")}},
		{"JSON_ITEMS", []tv{sv(`[{"type": "A"}, 1, "x"]`)}, strs(`{"type":"A"}`, "1", `"x"`)},
		{"TO_JSON_STRING", []tv{iv(1)}, "1"},
		{"TO_JSON_STRING", []tv{nv(sqltypes.Int)}, "null"},
		{"TO_JSON_STRING", []tv{{sqltypes.Boolean, true}}, "true"},
		{"TO_JSON_STRING", []tv{byv([]byte("!"))}, `"IQ=="`},
		{"TO_JSON_STRING", []tv{{sqltypes.DateT, sqltypes.Date(1000)}}, `"1972-09-27"`},
		{"TO_JSON_STRING", []tv{{sqltypes.TimestampT, sqltypes.Timestamp(60220000000)}}, `"1971-11-28T23:46:40.000"`},
		{"TO_JSON_STRING", []tv{arr(sqltypes.Int, int32(1), int32(2), int32(3))}, "[1,2,3]"},
		{"TO_JSON_STRING", []tv{{sqltypes.StructOf(sqltypes.Field{Name: "ID", Type: sqltypes.Int}, sqltypes.Field{Name: "NAME", Type: s}),
			&sqltypes.Struct{Vals: []sqltypes.Value{int32(1), "Alice"}}}}, `{"ID":1,"NAME":"Alice"}`},
		{"TO_JSON_STRING", []tv{{sqltypes.MapOf(s, sqltypes.ArrayOf(sqltypes.Int)),
			&sqltypes.Map{Keys: strs("id"), Vals: []sqltypes.Value{[]sqltypes.Value{int32(1), int32(2)}}}}}, `{"id":[1,2]}`},
		{"TO_JSON_STRING", []tv{dv(1)}, "1.0"},
		{"TO_JSON_STRING", []tv{sv("a\"b")}, `"a\"b"`},
	})
}
