package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/planner"
)

func TestZZScratchPlans(t *testing.T) {
	d, _ := driver.New(driver.Options{})
	ctx := context.Background()
	d.CreateTopic("s", 4); d.CreateTopic("t", 3); d.CreateTopic("g", 2); d.CreateTopic("l", 4); d.CreateTopic("r", 3)
	_, err := d.Execute(ctx, `CREATE STREAM s (id VARCHAR KEY, tid VARCHAR, n BIGINT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE t (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='t', value_format='JSON');
CREATE TABLE g (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='g', value_format='JSON', global=true);
CREATE TABLE l (id VARCHAR PRIMARY KEY, fk VARCHAR, v BIGINT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE r (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='r', value_format='JSON');
CREATE STREAM st AS SELECT s.id, s.n, t.name FROM s JOIN t ON s.tid = t.id;
CREATE STREAM sg AS SELECT s.id, s.n, g.name FROM s LEFT JOIN g ON s.tid = g.id;
CREATE TABLE fk AS SELECT l.id, l.v, r.name FROM l JOIN r ON l.fk = r.id;
`)
	if err != nil { t.Fatal(err) }
	for _, q := range d.Catalog().Queries() {
		fmt.Println(planner.Explain(q.Plan))
		printTree(q.Plan.Root, "")
	}
}

func printTree(n planner.Node, ind string) {
	fmt.Printf("%s%T %s\n", ind, n, n)
	for _, c := range n.Children() { printTree(c, ind+"  ") }
}
