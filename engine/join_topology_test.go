package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rql/rql/exec/driver"
)

// TestSplitJoins checks how join queries are cut into sub-topologies:
// what each reads, which internal topics join them, with which partition
// counts.
func TestSplitJoins(t *testing.T) {
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	parts := map[string]int{"s": 4, "t": 3, "g": 2, "l": 4, "r": 3, "v": 2}
	for n, p := range parts {
		d.CreateTopic(n, p)
	}
	_, err = d.Execute(context.Background(), `
CREATE STREAM s (id VARCHAR KEY, tid VARCHAR, n BIGINT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM v (id VARCHAR KEY, tid VARCHAR) WITH (kafka_topic='v', value_format='JSON');
CREATE TABLE t (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='t', value_format='JSON');
CREATE TABLE g (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='g', value_format='JSON', global=true);
CREATE TABLE l (id VARCHAR PRIMARY KEY, fk VARCHAR, x BIGINT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE r (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='r', value_format='JSON');
CREATE STREAM st AS SELECT t.id, s.n, t.name FROM s JOIN t ON s.tid = t.id;
CREATE STREAM sg AS SELECT s.id, s.n, g.name FROM s LEFT JOIN g ON s.tid = g.id;
CREATE TABLE fk AS SELECT l.id, l.x, r.name FROM l JOIN r ON l.fk = r.id;
CREATE STREAM nw AS SELECT t.id, s.n, t.name, v.id AS vid FROM s JOIN t ON s.tid = t.id JOIN v WITHIN 1 SECOND ON s.tid = v.tid;
CREATE TABLE tr AS SELECT t.name AS tname, COUNT(*) AS n FROM t JOIN r ON t.id = r.id GROUP BY t.name;
CREATE TABLE fkr AS SELECT r.name AS rname, SUM(l.x) AS x FROM l JOIN r ON l.fk = r.id GROUP BY r.name;
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"CSAS_ST_0": "[s] -> svc-CSAS_ST_0-Join1-left-repartition(3) | [svc-CSAS_ST_0-Join1-left-repartition t] stateful",
		"CSAS_SG_1": "[s] stateful globals=1",
		"CTAS_FK_2": "[r svc-CTAS_FK_2-Join1-subscription(3)] stateful fk=1 | [l svc-CTAS_FK_2-Join1-response(4)] stateful fk=0",
		"CSAS_NW_3": "[s] -> svc-CSAS_NW_3-Join1-left-repartition(3) | [v] -> svc-CSAS_NW_3-Join2-right-repartition(3) | " +
			"[svc-CSAS_NW_3-Join1-left-repartition t svc-CSAS_NW_3-Join2-right-repartition] stateful",
		// Re-grouping a table join: the join's sub-topology ends in the
		// group changes (input store), the last applies them.
		"CTAS_TR_4": "[t r] -> svc-CTAS_TR_4-Aggregate-GroupBy-repartition(3) stateful | " +
			"[svc-CTAS_TR_4-Aggregate-GroupBy-repartition] stateful",
		"CTAS_FKR_5": "[r svc-CTAS_FKR_5-Join1-subscription(3)] stateful fk=1 | " +
			"[l svc-CTAS_FKR_5-Join1-response] -> svc-CTAS_FKR_5-Aggregate-GroupBy-repartition(4) stateful fk=0 | " +
			"[svc-CTAS_FKR_5-Aggregate-GroupBy-repartition] stateful",
	}
	for _, q := range d.Catalog().Queries() {
		topo, err := splitJoins(q.Plan, "svc", "svc-"+q.ID+"-PartitionBy-repartition",
			func(topic string) (int, error) { return parts[topic], nil })
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		if got := describeTopology(topo); got != want[q.ID] {
			t.Errorf("%s:\n got %s\nwant %s", q.ID, got, want[q.ID])
		}
	}
}

func describeTopology(topo *topology) string {
	var subs []string
	for _, s := range topo.subs {
		var ins []string
		for _, in := range s.inputs {
			if n := internalParts(topo, in); n > 0 && s.repSink == nil && !strings.HasSuffix(in, "repartition") {
				in = fmt.Sprintf("%s(%d)", in, n)
			}
			ins = append(ins, in)
		}
		d := "[" + strings.Join(ins, " ") + "]"
		if s.repSink != nil {
			d += fmt.Sprintf(" -> %s(%d)", s.repSink.Target.Topic, internalParts(topo, s.repSink.Target.Topic))
		}
		if s.stateful {
			d += " stateful"
		}
		if len(s.globals) > 0 {
			d += fmt.Sprintf(" globals=%d", len(s.globals))
		}
		for _, f := range s.fks {
			d += fmt.Sprintf(" fk=%d", f.side)
		}
		subs = append(subs, d)
	}
	return strings.Join(subs, " | ")
}

func internalParts(topo *topology, name string) int {
	for _, it := range topo.internal {
		if it.name == name {
			return it.parts
		}
	}
	return 0
}
