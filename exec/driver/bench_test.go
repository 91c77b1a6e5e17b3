package driver

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// benchValues are JSON values of about 100 bytes, a quarter of which the
// filter drops.
func benchValues(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(`{"USER_ID":` + strconv.Itoa(i) + `,"ITEM":"item-` + strconv.Itoa(i%97) +
			`","PRICE":` + strconv.Itoa(i%400) + `.25,"QTY":` + strconv.Itoa(i%7) + `,"NOTE":"some free text here"}`)
	}
	return out
}

// BenchmarkDriverFilterProject pushes JSON records through a CSAS with a
// filter and a projection in the test driver: deserialize, evaluate, project,
// serialize, store the output record. One op is one input record.
func BenchmarkDriverFilterProject(b *testing.B) {
	d, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := d.Execute(ctx, `CREATE STREAM orders (id INT KEY, user_id BIGINT, item STRING, price DOUBLE, qty INT, note STRING)
		WITH (kafka_topic='orders', value_format='JSON');
		CREATE STREAM big AS SELECT id, user_id, UCASE(item) AS item, price * qty AS total FROM orders WHERE qty > 1;`); err != nil {
		b.Fatal(err)
	}
	vals := benchValues(1024)
	key := []byte{0, 0, 0, 1}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Produce(ctx, Record{Topic: "orders", Key: key, Value: vals[i%len(vals)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineJSONFilterProject is the baseline for
// BenchmarkDriverFilterProject: the same filter and projection written by hand
// in Go with encoding/json into a map and out again (no SQL, no schema, no
// error handling per column), appending the output to an in-memory slice as
// the driver does.
func BenchmarkBaselineJSONFilterProject(b *testing.B) {
	vals := benchValues(1024)
	var out [][]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var in map[string]any
		if err := json.Unmarshal(vals[i%len(vals)], &in); err != nil {
			b.Fatal(err)
		}
		qty, _ := in["QTY"].(float64)
		if qty <= 1 {
			continue
		}
		price, _ := in["PRICE"].(float64)
		item, _ := in["ITEM"].(string)
		row := map[string]any{"USER_ID": in["USER_ID"], "ITEM": strings.ToUpper(item), "TOTAL": price * qty}
		buf, err := json.Marshal(row)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, buf)
		if len(out) > 1<<16 {
			out = out[:0]
		}
	}
}
