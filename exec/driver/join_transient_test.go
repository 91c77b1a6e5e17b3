package driver

import (
	"context"
	"testing"
)

// A transient (push) query may join too; its state is dropped when the
// driver closes.
func TestTransientJoin(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, ddlStreamTable)
	produce(t, d, "r", "x", `{"B":10}`, 1)
	produce(t, d, "l", "x", `{"A":1}`, 2)
	res, err := d.Execute(context.Background(), `SELECT L.K, A, B FROM L JOIN R ON L.K = R.K EMIT CHANGES LIMIT 1;`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0].Rows) != 1 {
		t.Fatalf("got %+v", res)
	}
	if got := res[0].Rows[0]; got[0] != "x" || got[1] != "1" || got[2] != "10" {
		t.Fatalf("row %q", got)
	}
}
