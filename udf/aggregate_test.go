package udf

import (
	"math"
	"strings"
	"testing"

	"github.com/rql/rql/sqltypes"
)

var (
	tDec41 = sqltypes.DecimalOf(4, 1)
	tDec32 = sqltypes.DecimalOf(3, 2)
)

// TestAggregateSequences folds rows (adds, and undos for table
// aggregations) and checks the result after each step; most sequences are
// ksqlDB's golden cases (file - case).
func TestAggregateSequences(t *testing.T) {
	mx := int64(math.MaxInt64)
	cases := []struct {
		name  string
		call  aggCall
		steps []step
		want  []sqltypes.Value
	}{
		{"count ignores nulls", aggCall{name: "count", cols: []*sqltypes.Type{tStr}},
			adds("a", nil, "b"), vals(int64(1), int64(1), int64(2))},
		{"count - count table", aggCall{name: "COUNT", cols: []*sqltypes.Type{tInt}},
			[]step{add(int32(1)), undo(int32(1)), add(int32(1)), undo(int32(1))},
			vals(int64(1), int64(0), int64(1), int64(0))},
		{"sum int wraps like Java", aggCall{name: "sum", cols: []*sqltypes.Type{tInt}},
			adds(int32(math.MaxInt32), nil, int32(1)), vals(int32(math.MaxInt32), int32(math.MaxInt32), int32(math.MinInt32))},
		{"sum - sum double map", aggCall{name: "sum", cols: []*sqltypes.Type{tDbl}},
			adds(10.0, 10.0, 10.0), vals(10.0, 20.0, 30.0)},
		{"sum bigint with undo", aggCall{name: "sum", cols: []*sqltypes.Type{tBig}},
			[]step{add(int64(5)), add(int64(7)), undo(int64(5)), undo(nil)}, vals(int64(5), int64(12), int64(7), int64(7))},
		{"sum decimal keeps scale", aggCall{name: "sum", cols: []*sqltypes.Type{tDec41}},
			adds(dec("1.5"), dec("2.0"), nil), vals(dec("1.5"), dec("3.5"), dec("3.5"))},
		{"sum - sum list of ints", aggCall{name: "sum_list", cols: []*sqltypes.Type{sqltypes.ArrayOf(tInt)}},
			adds(vals(int32(1), int32(1)), vals(int32(2), int32(2)), vals(int32(100), int32(100)), vals(int32(100), int32(100), nil)),
			vals(int32(2), int32(6), int32(206), int32(406))},
		{"average-udaf - average long", aggCall{name: "avg", cols: []*sqltypes.Type{tBig}},
			adds(int64(-1), mx, int64(1), nil), vals(-1.0, 4.611686018427388e18, 3.0744573456182584e18, 3.0744573456182584e18)},
		{"average-udaf - average double", aggCall{name: "AVG", cols: []*sqltypes.Type{tDbl}},
			adds(-1.8, 9223372036854.775, 100.2, nil), vals(-1.8, 4611686018426.487, 3074457345651.058, 3074457345651.058)},
		{"average-udaf - average udaf with table", aggCall{name: "avg", cols: []*sqltypes.Type{tInt}},
			[]step{add(int32(1)), add(int32(2)), undo(int32(1)), add(nil), undo(nil), add(int32(4))},
			vals(1.0, 1.5, 2.0, 2.0, 2.0, 3.0)},
		{"avg of nothing is 0.0", aggCall{name: "avg", cols: []*sqltypes.Type{tInt}},
			adds(nil), vals(0.0)},
		{"max ignores nulls", aggCall{name: "max", cols: []*sqltypes.Type{tBig}},
			adds(nil, int64(120125102), int64(100125102), nil), vals(nil, int64(120125102), int64(120125102), int64(120125102))},
		{"min strings", aggCall{name: "min", cols: []*sqltypes.Type{tStr}},
			adds("b", "a", "c"), vals("b", "a", "a")},
		{"min decimal", aggCall{name: "min", cols: []*sqltypes.Type{tDec41}},
			adds(dec("1.5"), dec("-2.0")), vals(dec("1.5"), dec("-2.0"))},
		{"max timestamps", aggCall{name: "max", cols: []*sqltypes.Type{sqltypes.TimestampT}},
			adds(sqltypes.Timestamp(5), sqltypes.Timestamp(3)), vals(sqltypes.Timestamp(5), sqltypes.Timestamp(5))},
		{"collect-list - collect_list string", aggCall{name: "collect_list", cols: []*sqltypes.Type{tStr}},
			adds("baz", "baz", "foo", nil), vals(vals("baz"), vals("baz", "baz"), vals("baz", "baz", "foo"), vals("baz", "baz", "foo", nil))},
		{"collect-list - collect_list with limit of 1",
			aggCall{name: "collect_list", cols: []*sqltypes.Type{tInt}, props: map[string]string{PropCollectListLimit: "1"}},
			adds(int32(0), int32(100)), vals(vals(int32(0)), vals(int32(0)))},
		{"collect-list - collect_list int table", aggCall{name: "collect_list", cols: []*sqltypes.Type{tInt}},
			[]step{add(int32(0)), undo(int32(0)), add(int32(100))}, vals(vals(int32(0)), vals(), vals(int32(100)))},
		{"collect_list undo removes the last occurrence", aggCall{name: "collect_list", cols: []*sqltypes.Type{tStr}},
			[]step{add("a"), add("b"), add("a"), undo("a"), undo("x")},
			vals(vals("a"), vals("a", "b"), vals("a", "b", "a"), vals("a", "b"), vals("a", "b"))},
		{"collect-set - collect_set decimal", aggCall{name: "collect_set", cols: []*sqltypes.Type{tDec41}},
			adds(dec("500.9"), dec("300.8"), nil, dec("300.8"), nil),
			vals(vals(dec("500.9")), vals(dec("500.9"), dec("300.8")), vals(dec("500.9"), dec("300.8"), nil),
				vals(dec("500.9"), dec("300.8"), nil), vals(dec("500.9"), dec("300.8"), nil))},
		{"collect-set - collect_set with limit of 1",
			aggCall{name: "collect_set", cols: []*sqltypes.Type{tInt}, props: map[string]string{PropCollectSetLimit: "1"}},
			adds(int32(0), int32(100)), vals(vals(int32(0)), vals(int32(0)))},
		{"collect-set - collect_set maps", aggCall{name: "collect_set", cols: []*sqltypes.Type{sqltypes.MapOf(tStr, tBig)}},
			adds(&sqltypes.Map{Keys: vals("r0", "r2"), Vals: vals(int64(100), int64(2))},
				&sqltypes.Map{Keys: vals("r2", "r0"), Vals: vals(int64(2), int64(100))}),
			vals(vals(&sqltypes.Map{Keys: vals("r0", "r2"), Vals: vals(int64(100), int64(2))}),
				vals(&sqltypes.Map{Keys: vals("r0", "r2"), Vals: vals(int64(100), int64(2))}))},
		{"histogram - histogram string", aggCall{name: "histogram", cols: []*sqltypes.Type{tStr}},
			[]step{add("baz"), add("baz"), add("foo"), undo("baz"), undo("baz"), add(nil)},
			vals(&sqltypes.Map{Keys: vals("baz"), Vals: vals(int64(1))},
				&sqltypes.Map{Keys: vals("baz"), Vals: vals(int64(2))},
				&sqltypes.Map{Keys: vals("baz", "foo"), Vals: vals(int64(2), int64(1))},
				&sqltypes.Map{Keys: vals("baz", "foo"), Vals: vals(int64(1), int64(1))},
				&sqltypes.Map{Keys: vals("foo"), Vals: vals(int64(1))},
				&sqltypes.Map{Keys: vals("foo"), Vals: vals(int64(1))})},
		{"earliest-offset-udaf - nulls later - single - nulls ignored", aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}},
			adds(int32(12), nil, int32(13)), vals(int32(12), int32(12), int32(12))},
		{"earliest-offset-udaf - null first - single - ignoring nulls",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(true)},
			adds(nil, int32(13)), vals(nil, int32(13))},
		{"earliest-offset-udaf - null first - single - not ignoring nulls",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(false)},
			adds(nil, int32(13)), vals(nil, nil)},
		{"earliest-offset-udaf - null first - multiple - ignoring nulls",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2))},
			adds(nil, int32(13)), vals(vals(), vals(int32(13)))},
		{"earliest-offset-udaf - null first - multiple - not ignoring nulls",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), false)},
			adds(nil, int32(13), int32(14)), vals(vals(nil), vals(nil, int32(13)), vals(nil, int32(13)))},
		{"earliest-offset-udaf - earliest by offset with decimals",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tDec32}, literals: vals(true)},
			adds(dec("3.40"), dec("8.90")), vals(dec("3.40"), dec("3.40"))},
		{"latest-offset-udaf - nulls ignored - single",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(true)},
			adds(int32(12), nil, int32(13)), vals(int32(12), int32(12), int32(13))},
		{"latest-offset-udaf - nulls not ignored - single",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(false)},
			adds(int32(12), nil, int32(13)), vals(int32(12), nil, int32(13))},
		{"latest-offset-udaf - nulls ignored - multiple",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), true)},
			adds(int32(12), nil, int32(13)), vals(vals(int32(12)), vals(int32(12)), vals(int32(12), int32(13)))},
		{"latest-offset-udaf - nulls not ignored - multiple",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), false)},
			adds(int32(12), nil, int32(13)), vals(vals(int32(12)), vals(int32(12), nil), vals(nil, int32(13)))},
		{"latest-offset-udaf - latest n by offset with all nulls",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2))},
			adds(nil, nil), vals(vals(), vals())},
		{"topk-group-by - topk long", aggCall{name: "topk", cols: []*sqltypes.Type{tBig}, literals: vals(int32(3))},
			adds(int64(2147483648), int64(100), int64(99), int64(7), int64(100), nil),
			vals(vals(int64(2147483648)), vals(int64(2147483648), int64(100)), vals(int64(2147483648), int64(100), int64(99)),
				vals(int64(2147483648), int64(100), int64(99)), vals(int64(2147483648), int64(100), int64(100)),
				vals(int64(2147483648), int64(100), int64(100)))},
		{"topk-group-by - topk integer struct",
			aggCall{name: "topk", cols: []*sqltypes.Type{tInt, tStr}, literals: vals(int32(3))},
			[]step{add(int32(0), "zero"), add(int32(100), "one"), add(int32(99), "two"), add(nil, "three"), add(int32(100), nil)},
			vals(vals(st(int32(0), "zero")),
				vals(st(int32(100), "one"), st(int32(0), "zero")),
				vals(st(int32(100), "one"), st(int32(99), "two"), st(int32(0), "zero")),
				vals(st(int32(100), "one"), st(int32(99), "two"), st(int32(0), "zero")),
				vals(st(int32(100), "one"), st(int32(100), nil), st(int32(99), "two")))},
		{"topk-group-by - topk string struct",
			aggCall{name: "topk", cols: []*sqltypes.Type{tStr, tStr}, literals: vals(int32(3))},
			[]step{add("a", "zero"), add(nil, "one"), add("c", "two"), add("b", "three"), add("d", nil)},
			vals(vals(st("a", "zero")), vals(st("a", "zero")),
				vals(st("c", "two"), st("a", "zero")),
				vals(st("c", "two"), st("b", "three"), st("a", "zero")),
				vals(st("d", nil), st("c", "two"), st("b", "three")))},
		{"topk-distinct - topk distinct integer", aggCall{name: "topkdistinct", cols: []*sqltypes.Type{tInt}, literals: vals(int32(3))},
			adds(int32(0), int32(100), int32(99), int32(7), int32(100)),
			vals(vals(int32(0)), vals(int32(100), int32(0)), vals(int32(100), int32(99), int32(0)),
				vals(int32(100), int32(99), int32(7)), vals(int32(100), int32(99), int32(7)))},
		{"topk-distinct - topk distinct string", aggCall{name: "topkdistinct", cols: []*sqltypes.Type{tStr}, literals: vals(int32(3))},
			adds("a", "b", "c", "b", "d"),
			vals(vals("a"), vals("b", "a"), vals("c", "b", "a"), vals("c", "b", "a"), vals("d", "c", "b"))},
		{"standarddeviation - stddev_samp double map", aggCall{name: "stddev_samp", cols: []*sqltypes.Type{tDbl}},
			adds(10.0, 12.0, 13.0, 14.0, 16.0), vals(0.0, 2.0, 2.333333333333333, 2.9166666666666665, 5.0)},
		{"standarddeviation - stddev_sample double map", aggCall{name: "stddev_sample", cols: []*sqltypes.Type{tDbl}},
			adds(10.0, 12.0, 13.0, 14.0, 16.0), vals(0.0, 1.4142135623730951, 1.5275252316519465, 1.707825127659933, 2.23606797749979)},
		{"stddev_sample int with undo", aggCall{name: "stddev_sample", cols: []*sqltypes.Type{tInt}},
			[]step{add(int32(10)), add(int32(12)), add(int32(13)), undo(int32(13)), undo(int32(10))},
			vals(0.0, 1.4142135623730951, 1.5275252316519465, 1.4142135623730951, 0.0)},
		{"correlation-udaf - correlation double", aggCall{name: "correlation", cols: []*sqltypes.Type{tDbl, tDbl}},
			[]step{add(1.5, 8.0), add(-1.0, -2.0), add(-4.5, -1.0), add(nil, -6.0)},
			vals(math.NaN(), 1.0, 0.7580764521133173, 0.7580764521133173)},
		{"correlation-udaf - correlation udaf with table", aggCall{name: "correlation", cols: []*sqltypes.Type{tDbl, tDbl}},
			[]step{add(1.5, 8.0), add(-3.5, -2.0), undo(1.5, 8.0), add(-1.0, -2.0), add(-4.5, -1.0)},
			vals(math.NaN(), 1.0, math.NaN(), math.NaN(), -0.7205766921228921)},
		{"attr - invalid attr with nulls", aggCall{name: "attr", cols: []*sqltypes.Type{tStr}},
			adds("1", nil, "1"), vals("1", nil, nil)},
		{"attr - valid attr with nulls", aggCall{name: "attr", cols: []*sqltypes.Type{tStr}},
			adds(nil, nil), vals(nil, nil)},
		{"attr - valid attr struct", aggCall{name: "attr", cols: []*sqltypes.Type{sqltypes.StructOf(sqltypes.Field{Name: "A", Type: tStr})}},
			adds(st("a"), st("a")), vals(st("a"), st("a"))},
		{"attr table undo makes it valid again", aggCall{name: "attr", cols: []*sqltypes.Type{tStr}},
			[]step{add("1"), add("2"), undo("2"), undo("9")}, vals("1", nil, "1", "1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agg, _ := newTestAgg(t, c.call)
			got := runSteps(t, agg, c.steps)
			if !sameResults(got, c.want) {
				t.Fatalf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}

// TestAggregateMerge merges the accumulators of two session windows the way
// Kafka Streams does: Merge(Merge(Init(), first), second), then Add of the
// record that joined them (ksqlDB's session-merge golden cases).
func TestAggregateMerge(t *testing.T) {
	type sess [][]sqltypes.Value
	cases := []struct {
		name          string
		call          aggCall
		first, second sess
		joiner        []sqltypes.Value
		want          sqltypes.Value
	}{
		{"earliest-offset-udaf - merging session windows", aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(1))}, sess{row(int32(3))}, row(int32(2)), int32(1)},
		{"earliest-offset-udaf - merging session windows - with nulls ignored", aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(true)},
			sess{row(nil)}, sess{row(int32(1))}, row(nil), int32(1)},
		{"earliest-offset-udaf - merging session windows - with nulls not ignored - N",
			aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), false)},
			sess{row(nil)}, sess{row(int32(1))}, row(nil), vals(nil, int32(1))},
		{"latest-offset-udaf - merging session windows - with nulls ignored when merging",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(1))}, nil, row(nil), int32(1)},
		{"latest-offset-udaf - merging session windows - with nulls not ignored when merging",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(false)},
			sess{row(int32(1))}, nil, row(nil), nil},
		{"latest-offset-udaf - merging session windows - with nulls not ignored - N",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), false)},
			sess{row(int32(1))}, sess{row(nil)}, row(int32(2)), vals(nil, int32(2))},
		{"latest-offset-udaf - merging session windows - all nulls - N",
			aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tInt}, literals: vals(int32(2), false)},
			sess{row(nil)}, sess{row(nil)}, row(nil), vals(nil, nil)},
		{"count", aggCall{name: "count", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(1)), row(int32(2))}, sess{row(int32(3))}, row(int32(4)), int64(4)},
		{"avg", aggCall{name: "avg", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(1)), row(int32(2))}, sess{row(int32(3))}, row(int32(4)), 2.5},
		{"collect_list keeps order and limit", aggCall{name: "collect_list", cols: []*sqltypes.Type{tInt}, props: map[string]string{PropCollectListLimit: "3"}},
			sess{row(int32(1)), row(int32(2))}, sess{row(int32(3)), row(int32(4))}, row(int32(5)), vals(int32(1), int32(2), int32(3))},
		{"collect_set dedupes", aggCall{name: "collect_set", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(1)), row(int32(2))}, sess{row(int32(2)), row(int32(3))}, row(int32(1)), vals(int32(1), int32(2), int32(3))},
		{"histogram", aggCall{name: "histogram", cols: []*sqltypes.Type{tStr}},
			sess{row("a")}, sess{row("a"), row("b")}, row("b"),
			&sqltypes.Map{Keys: vals("a", "b"), Vals: vals(int64(2), int64(2))}},
		{"min", aggCall{name: "min", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(5))}, sess{row(int32(3))}, row(nil), int32(3)},
		{"topk", aggCall{name: "topk", cols: []*sqltypes.Type{tInt}, literals: vals(int32(3))},
			sess{row(int32(5)), row(int32(1))}, sess{row(int32(4)), row(int32(2))}, row(int32(3)), vals(int32(5), int32(4), int32(3))},
		{"topkdistinct", aggCall{name: "topkdistinct", cols: []*sqltypes.Type{tInt}, literals: vals(int32(3))},
			sess{row(int32(5)), row(int32(1))}, sess{row(int32(5)), row(int32(2))}, row(int32(0)), vals(int32(5), int32(2), int32(1))},
		{"stddev_sample", aggCall{name: "stddev_sample", cols: []*sqltypes.Type{tDbl}},
			sess{row(10.0), row(12.0)}, sess{row(13.0), row(14.0)}, row(16.0), 2.23606797749979},
		{"stddev_samp int", aggCall{name: "stddev_samp", cols: []*sqltypes.Type{tInt}},
			sess{row(int32(10)), row(int32(12))}, sess{row(int32(14)), row(int32(16))}, row(nil), 6.666666666666667},
		{"correlation", aggCall{name: "correlation", cols: []*sqltypes.Type{tDbl, tDbl}},
			sess{row(1.5, 8.0), row(-1.0, -2.0)}, sess{row(-4.5, -1.0)}, row(nil, nil), 0.7580764521133173},
		{"attr", aggCall{name: "attr", cols: []*sqltypes.Type{tStr}},
			sess{row("x")}, sess{row("x")}, row("x"), "x"},
		{"sum", aggCall{name: "sum", cols: []*sqltypes.Type{tDec41}},
			sess{row(dec("1.5"))}, sess{row(dec("2.5"))}, row(dec("0.1")), dec("4.1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agg, _ := newTestAgg(t, c.call)
			first := accOf(t, agg, c.first...)
			second := accOf(t, agg, c.second...)
			acc, err := agg.Merge(agg.Init(), first)
			if err != nil {
				t.Fatal(err)
			}
			if c.second != nil {
				if acc, err = agg.Merge(acc, second); err != nil {
					t.Fatal(err)
				}
			}
			if acc, err = agg.Add(acc, c.joiner); err != nil {
				t.Fatal(err)
			}
			checkAcc(t, agg, acc)
			if got := agg.Result(acc); !sameValue(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestAggregateTypes checks result and accumulator types, which the
// planner (result schema) and the state store (serialization) rely on.
func TestAggregateTypes(t *testing.T) {
	cases := []struct {
		call      aggCall
		ret, accT string
		canUndo   bool
	}{
		{aggCall{name: "count", cols: []*sqltypes.Type{tStr}}, "BIGINT", "BIGINT", true},
		{aggCall{name: "sum", cols: []*sqltypes.Type{tInt}}, "INTEGER", "INTEGER", true},
		{aggCall{name: "sum", cols: []*sqltypes.Type{tDec41}}, "DECIMAL(4, 1)", "DECIMAL(4, 1)", true},
		{aggCall{name: "avg", cols: []*sqltypes.Type{tBig}}, "DOUBLE", "STRUCT<SUM BIGINT, COUNT BIGINT>", true},
		{aggCall{name: "avg", cols: []*sqltypes.Type{tDec41}}, "DOUBLE", "STRUCT<SUM DOUBLE, COUNT BIGINT>", true},
		{aggCall{name: "min", cols: []*sqltypes.Type{sqltypes.DateT}}, "DATE", "DATE", false},
		{aggCall{name: "max", cols: []*sqltypes.Type{tBytes}}, "BYTES", "BYTES", false},
		{aggCall{name: "collect_list", cols: []*sqltypes.Type{tDbl}}, "ARRAY<DOUBLE>", "ARRAY<DOUBLE>", true},
		{aggCall{name: "collect_set", cols: []*sqltypes.Type{tDbl}}, "ARRAY<DOUBLE>", "ARRAY<DOUBLE>", false},
		{aggCall{name: "histogram", cols: []*sqltypes.Type{tStr}}, "MAP<STRING, BIGINT>", "MAP<STRING, BIGINT>", true},
		{aggCall{name: "earliest_by_offset", cols: []*sqltypes.Type{tStr}}, "STRING", "STRUCT<SEQ BIGINT, VAL STRING>", false},
		{aggCall{name: "latest_by_offset", cols: []*sqltypes.Type{tStr}, literals: vals(int32(3))},
			"ARRAY<STRING>", "ARRAY<STRUCT<SEQ BIGINT, VAL STRING>>", false},
		{aggCall{name: "topk", cols: []*sqltypes.Type{tInt}, literals: vals(int32(3))}, "ARRAY<INTEGER>", "ARRAY<INTEGER>", false},
		{aggCall{name: "topk", cols: []*sqltypes.Type{tDbl, tStr, tBig}, literals: vals(int32(3))},
			"ARRAY<STRUCT<sort_col DOUBLE, col0 STRING, col1 BIGINT>>",
			"ARRAY<STRUCT<sort_col DOUBLE, col0 STRING, col1 BIGINT>>", false},
		{aggCall{name: "stddev_samp", cols: []*sqltypes.Type{tInt}}, "DOUBLE", "STRUCT<SUM INTEGER, COUNT BIGINT, M2 DOUBLE>", true},
		{aggCall{name: "correlation", cols: []*sqltypes.Type{tInt, tBig}}, "DOUBLE",
			"STRUCT<X_SUM DOUBLE, Y_SUM DOUBLE, X_SQUARED_SUM DOUBLE, Y_SQUARED_SUM DOUBLE, XY_SUM DOUBLE, COUNT BIGINT>", true},
		{aggCall{name: "attr", cols: []*sqltypes.Type{tStr}}, "STRING", "ARRAY<STRUCT<VALUE STRING, COUNT INTEGER>>", true},
		{aggCall{name: "count_distinct", cols: []*sqltypes.Type{tStr}}, "BIGINT", "ARRAY<INTEGER>", false},
		{aggCall{name: "sum_list", cols: []*sqltypes.Type{sqltypes.ArrayOf(tDbl)}}, "DOUBLE", "DOUBLE", true},
	}
	for _, c := range cases {
		agg, res := newTestAgg(t, c.call)
		if got := res.Return.SQL(); got != c.ret {
			t.Errorf("%s%v: return %s, want %s", c.call.name, c.call.cols, got, c.ret)
		}
		if got := agg.AccType().SQL(); got != c.accT {
			t.Errorf("%s%v: acc type %s, want %s", c.call.name, c.call.cols, got, c.accT)
		}
		if agg.CanUndo() != c.canUndo {
			t.Errorf("%s: CanUndo %v", c.call.name, agg.CanUndo())
		}
		if !c.canUndo {
			if _, err := agg.Undo(agg.Init(), make([]sqltypes.Value, len(c.call.cols))); err == nil {
				t.Errorf("%s: Undo should fail", c.call.name)
			}
		}
	}
}

func TestCountDistinct(t *testing.T) {
	agg, _ := newTestAgg(t, aggCall{name: "count_distinct", cols: []*sqltypes.Type{tStr}})
	got := runSteps(t, agg, adds("a", "b", "a", nil, "c"))
	if want := vals(int64(1), int64(2), int64(2), int64(2), int64(3)); !sameResults(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	var a, b []sqltypes.Value
	for i := 0; i < 20000; i++ {
		v := []sqltypes.Value{strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i)}
		if i%2 == 0 {
			a = append(a, v[0])
		} else {
			b = append(b, v[0])
		}
	}
	rows := func(vs []sqltypes.Value) [][]sqltypes.Value {
		out := make([][]sqltypes.Value, len(vs))
		for i, v := range vs {
			out[i] = row(v)
		}
		return out
	}
	m, err := agg.Merge(accOf(t, agg, rows(a)...), accOf(t, agg, rows(b)...))
	if err != nil {
		t.Fatal(err)
	}
	est := agg.Result(m).(int64)
	if math.Abs(float64(est)-20000)/20000 > 0.03 {
		t.Fatalf("estimate %d for 20000 distinct values", est)
	}
}

func itoa(i int) string { return ValueText(int64(i), tBig) }

func TestSumDecimalOverflow(t *testing.T) {
	agg, _ := newTestAgg(t, aggCall{name: "sum", cols: []*sqltypes.Type{tDec41}})
	acc := accOf(t, agg, row(dec("999.0")))
	_, err := agg.Add(acc, row(dec("1.0")))
	if err == nil || !strings.Contains(err.Error(),
		"Numeric field overflow: A field with precision 4 and scale 1 must round to an absolute value less than 10^3. Got 1000.0") {
		t.Fatalf("err = %v", err)
	}
}

func TestAggregateResolution(t *testing.T) {
	reg := Builtins()
	typed := func(ts ...*sqltypes.Type) []Arg {
		out := make([]Arg, len(ts))
		for i, ty := range ts {
			out[i] = Arg{Type: ty}
		}
		return out
	}
	lit := func(ty *sqltypes.Type) Arg { return Arg{Type: ty, Literal: true} }
	cases := []struct {
		name    string
		args    []Arg
		ret     string
		lits    int
		wantErr string
	}{
		{"EARLIEST_BY_OFFSET", append(typed(tInt), lit(tInt), lit(tBool)), "ARRAY<INTEGER>", 2, ""},
		{"EARLIEST_BY_OFFSET", append(typed(tInt), lit(tBool)), "INTEGER", 1, ""},
		{"EARLIEST_BY_OFFSET", typed(sqltypes.MapOf(tStr, tDbl)), "MAP<STRING, DOUBLE>", 0, ""},
		{"TOPK", append(typed(tInt), lit(tInt)), "ARRAY<INTEGER>", 1, ""},
		{"TOPK", append(typed(tStr, tBig, tBool), lit(tInt)),
			"ARRAY<STRUCT<sort_col STRING, col0 BIGINT, col1 BOOLEAN>>", 1, ""},
		{"AVG", typed(tDec41), "DOUBLE", 0, ""},
		{"SUM", typed(sqltypes.DecimalOf(10, 2)), "DECIMAL(10, 2)", 0, ""},
		{"COUNT", typed(sqltypes.ArrayOf(tInt)), "BIGINT", 0, ""},
		{"SUM", typed(tStr), "", 0, "Function 'SUM' does not accept parameters (STRING)."},
		{"MAX", typed(tBool), "", 0, "Function 'MAX' does not accept parameters (BOOLEAN)."},
		{"TOPK", append(typed(tInt), lit(tStr)), "", 0, "Function 'TOPK' does not accept parameters (INTEGER, STRING)."},
		{"UCASE", typed(tStr), "STRING", 0, ""},
	}
	for _, c := range cases {
		res, err := reg.ResolveAggregate(c.name, c.args)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s%v: err = %v, want %q", c.name, c.args, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if res.Return.SQL() != c.ret || res.AggregateLiterals() != c.lits {
			t.Errorf("%s: return %s literals %d, want %s %d", c.name, res.Return.SQL(), res.AggregateLiterals(), c.ret, c.lits)
		}
		if len(res.ArgTypes) != len(c.args) {
			t.Errorf("%s: %d arg types for %d args", c.name, len(res.ArgTypes), len(c.args))
		}
	}
}

func TestAggregateInitArgErrors(t *testing.T) {
	reg := Builtins()
	res, err := reg.ResolveAggregate("LATEST_BY_OFFSET", []Arg{{Type: tInt}, {Type: tInt, Literal: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewAggregator(res, vals(int32(0)), nil, nil); err == nil || !strings.Contains(err.Error(), "latestN must be 1 or greater") {
		t.Fatalf("err = %v", err)
	}
	if _, err := NewAggregator(res, nil, nil, nil); err == nil {
		t.Fatal("missing literal accepted")
	}
	// Without a sequence source the aggregator counts from the clock.
	agg, err := NewAggregator(res, vals(int32(1)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := runSteps(t, agg, adds(int32(1), int32(2))); !sameResults(got, vals(vals(int32(1)), vals(int32(2)))) {
		t.Fatalf("got %v", got)
	}
}

func TestAggregateErrorMessages(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{TableAggregationError([]string{"LATEST_BY_OFFSET", "MIN", "MAX"}),
			"The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source."},
		{TableAggregationError([]string{"MIN"}),
			"The aggregation function MIN cannot be applied to a table source, only to a stream source."},
		{AggregateLiteralError("earliest_by_offset", 2, "F0"),
			"Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was expression: 'F0'"},
	}
	for _, c := range cases {
		if !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %q, want %q", c.err.Error(), c.want)
		}
	}
}

// TestEveryAggregateBuilds checks that every registered aggregate variant
// has a factory and is marked with the Aggregate kind.
func TestEveryAggregateBuilds(t *testing.T) {
	for _, d := range Builtins().List() {
		if d.Kind != Aggregate {
			continue
		}
		for _, v := range d.Variants {
			if v.Aggregate == nil || v.Aggregate.New == nil {
				t.Errorf("%s: variant without AggregateSpec", d.Name)
			}
		}
	}
}

// TestTestAggregates runs ksqlDB's test-classpath UDAFs on rows of their
// golden cases.
func TestTestAggregates(t *testing.T) {
	reg := NewRegistry()
	RegisterTestAggregates(reg)
	build := func(name string, args []Arg, lits []sqltypes.Value) (Aggregator, error) {
		res, err := reg.ResolveAggregate(name, args)
		if err != nil {
			return nil, err
		}
		return NewAggregator(res, lits, nil, nil)
	}
	col := func(ts ...*sqltypes.Type) []Arg {
		out := make([]Arg, len(ts))
		for i, ty := range ts {
			out[i] = Arg{Type: ty}
		}
		return out
	}
	lit := func(ty *sqltypes.Type) Arg { return Arg{Type: ty, Literal: true} }

	// middle-variadic-udaf - all arguments
	agg, err := build("MID_VAR_ARG", append(col(tBig, tStr, tStr, tStr), lit(tInt), lit(tInt)), vals(int32(7), int32(3)))
	if err != nil {
		t.Fatal(err)
	}
	got := runSteps(t, agg, []step{add(int64(6), "hi", "hello", "world"), add(nil, "hello", "hello", "world"), add(int64(5), nil, "hello", "world")})
	if want := vals(int64(28), int64(43), int64(58)); !sameResults(got, want) {
		t.Fatalf("MID_VAR_ARG: got %v", got)
	}
	// multi-arg-udaf - all arguments
	agg, err = build("MULTI_ARG", append(col(tBig, tStr), lit(tInt), lit(tStr), lit(tStr), lit(tStr)), vals(int32(5), "10", "20", "3"))
	if err != nil {
		t.Fatal(err)
	}
	if got := runSteps(t, agg, []step{add(int64(6), "hi"), add(nil, "hello")}); !sameResults(got, vals(int64(18), int64(23))) {
		t.Fatalf("MULTI_ARG: got %v", got)
	}
	// generic-variadic-udaf - returns decimal
	d51 := sqltypes.DecimalOf(5, 1)
	agg, err = build("GENERIC_VAR_ARG", col(d51, tInt, tDbl, tDbl, tDbl), nil)
	if err != nil {
		t.Fatal(err)
	}
	got = runSteps(t, agg, []step{add(dec("2.3"), int32(1), 1.2, 1.44, 8.9), add(dec("3.9"), int32(7), 7.6, nil, 8.1), add(dec("5.7"), int32(3), 9.1, 0.9, 2.5)})
	if want := vals(vals(dec("2.3")), vals(dec("2.3")), vals(dec("2.3"), dec("5.7"))); !sameResults(got, want) {
		t.Fatalf("GENERIC_VAR_ARG: got %v", got)
	}
	// test-custom-udaf - test_udaf with struct
	agg, err = build("test_udaf", col(testStructAB), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := runSteps(t, agg, []step{add(st(int32(1), int32(2))), add(st(int32(2), int32(3)))}); !sameResults(got, vals(st(int32(1), int32(2)), st(int32(3), int32(5)))) {
		t.Fatalf("TEST_UDAF: got %v", got)
	}
	errs := []struct {
		name string
		args []Arg
		want string
	}{
		{"GENERIC_VAR_ARG", append(col(d51, tInt, tDbl), lit(tStr), Arg{Type: tDbl}),
			"Function 'GENERIC_VAR_ARG' does not accept parameters (DECIMAL(5, 1), INTEGER, DOUBLE, STRING, DOUBLE)."},
		{"MID_VAR_ARG", append(col(tBig, tStr, tStr), lit(tInt)),
			"Function 'MID_VAR_ARG' does not accept parameters (BIGINT, STRING, STRING, INTEGER)."},
		{"MID_VAR_ARG", append(col(tStr, tStr), lit(tInt), lit(tInt)),
			"Function 'MID_VAR_ARG' does not accept parameters (STRING, STRING, INTEGER, INTEGER)."},
		{"VAR_ARG", col(tBig, tInt), "Function 'VAR_ARG' does not accept parameters (BIGINT, INTEGER)."},
		{"MULTI_ARG", append(col(tStr), lit(tInt), lit(tStr), lit(tStr), lit(tStr)),
			"Function 'MULTI_ARG' does not accept parameters (STRING, INTEGER, STRING, STRING, STRING)."},
	}
	for _, e := range errs {
		if _, err := reg.ResolveAggregate(e.name, e.args); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("%s: err = %v, want %q", e.name, err, e.want)
		}
	}
}
