package driver

import (
	"context"
	"encoding/binary"
	"strconv"
	"testing"
)

// Join benchmarks (scripts/bench.sh pairs them):
//
//   - BenchmarkDriverStreamTableJoin10k / 1M: a CSAS joining a stream to
//     a table of 10 k / 1 M keys on the stream's key (lookups spread over
//     every key), with the filter and projection of
//     BenchmarkDriverFilterProject, whose ns/op is the stateless baseline
//     of the ratio.
//   - BenchmarkDriverGlobalTableJoin: a stream joined to a global table of
//     10 k keys on a value column, no repartition; its baseline,
//     BenchmarkDriverRepartitionedJoin, joins the same data to an ordinary
//     table, re-keying the stream through a repartition topic first (a
//     PARTITION BY query writing the topic the join reads: serialize,
//     append, deserialize, as the engine's internal topic hop minus the
//     broker).
//
// One op is one stream record. The table is loaded once (b.Loop runs the
// function once), before the timer starts.

// joinBenchValues are stream values of about 100 bytes whose USER_ID
// spreads over nkeys keys, a quarter of which the filter drops.
func joinBenchValues(n, nkeys int) (keys, vals [][]byte) {
	for i := 0; i < n; i++ {
		uid := int((uint64(i)*2654435761 + 12345) % uint64(nkeys))
		k := binary.BigEndian.AppendUint32(nil, uint32(uid))
		keys = append(keys, k)
		vals = append(vals, []byte(`{"ORDER_ID":`+strconv.Itoa(i)+`,"USER_ID":`+strconv.Itoa(uid)+`,"ITEM":"item-`+strconv.Itoa(i%97)+
			`","PRICE":`+strconv.Itoa(i%400)+`.25,"QTY":`+strconv.Itoa(i%7)+`,"NOTE":"some free text"}`))
	}
	return keys, vals
}

// loadUsers produces nkeys rows of the users table.
func loadUsers(b *testing.B, d *Driver, topic string, nkeys int) {
	ctx := context.Background()
	for i := 0; i < nkeys; i++ {
		rec := Record{Topic: topic, Key: binary.BigEndian.AppendUint32(nil, uint32(i)),
			Value: []byte(`{"NAME":"user-` + strconv.Itoa(i) + `","TIER":` + strconv.Itoa(i%5) + `}`)}
		if err := d.Produce(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
}

func benchJoin(b *testing.B, ddl string, table string, nkeys int, byKey bool) {
	d, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.Execute(ctx, ddl); err != nil {
		b.Fatal(err)
	}
	loadUsers(b, d, table, nkeys)
	keys, vals := joinBenchValues(4096, nkeys)
	orderKey := []byte{0, 0, 0, 1}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		k := orderKey
		if byKey {
			k = keys[i%len(keys)]
		}
		if err := d.Produce(ctx, Record{Topic: "orders", Key: k, Value: vals[i%len(vals)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

const benchStreamTableDDL = `CREATE STREAM orders (uid INT KEY, order_id BIGINT, user_id INT, item STRING, price DOUBLE, qty INT, note STRING)
	WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE users (id INT PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='users', value_format='JSON');
CREATE STREAM big AS SELECT o.uid, UCASE(item) AS item, price * qty AS total, name FROM orders o JOIN users u ON o.uid = u.id WHERE qty > 1;`

// BenchmarkDriverStreamTableJoin10k joins on the stream's key, 10 k keys.
func BenchmarkDriverStreamTableJoin10k(b *testing.B) {
	benchJoin(b, benchStreamTableDDL, "users", 10_000, true)
}

// BenchmarkDriverStreamTableJoin1M joins on the stream's key, 1 M keys.
func BenchmarkDriverStreamTableJoin1M(b *testing.B) {
	benchJoin(b, benchStreamTableDDL, "users", 1_000_000, true)
}

// BenchmarkDriverGlobalTableJoin joins on a value column of the stream to
// a global table of 10 k keys.
func BenchmarkDriverGlobalTableJoin(b *testing.B) {
	benchJoin(b, `CREATE STREAM orders (id INT KEY, order_id BIGINT, user_id INT, item STRING, price DOUBLE, qty INT, note STRING)
	WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE users (id INT PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='users', value_format='JSON', global=true);
CREATE STREAM big AS SELECT o.id, UCASE(item) AS item, price * qty AS total, name FROM orders o JOIN users u ON o.user_id = u.id WHERE qty > 1;`,
		"users", 10_000, false)
}

// BenchmarkDriverRepartitionedJoin is the baseline of
// BenchmarkDriverGlobalTableJoin: the same join to an ordinary table, the
// stream re-keyed by USER_ID through a topic first.
func BenchmarkDriverRepartitionedJoin(b *testing.B) {
	benchJoin(b, `CREATE STREAM orders (id INT KEY, order_id BIGINT, user_id INT, item STRING, price DOUBLE, qty INT, note STRING)
	WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE users (id INT PRIMARY KEY, name STRING, tier INT) WITH (kafka_topic='users', value_format='JSON');
CREATE STREAM by_user AS SELECT * FROM orders PARTITION BY user_id;
CREATE STREAM big AS SELECT o.user_id, UCASE(item) AS item, price * qty AS total, name FROM by_user o JOIN users u ON o.user_id = u.id WHERE qty > 1;`,
		"users", 10_000, false)
}
