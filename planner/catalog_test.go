package planner

import "testing"

// TestAddQueryReplacesSameID: CREATE OR REPLACE restarts a query under its
// id; the catalog must then list it once, with the new SQL, in place.
func TestAddQueryReplacesSameID(t *testing.T) {
	c := NewCatalog(nil)
	c.AddQuery(&PersistentQuery{ID: "CSAS_A_0", SQL: "old"})
	c.AddQuery(&PersistentQuery{ID: "CSAS_B_1", SQL: "b"})
	c.AddQuery(&PersistentQuery{ID: "CSAS_A_0", SQL: "new"})
	qs := c.Queries()
	if len(qs) != 2 || qs[0].ID != "CSAS_A_0" || qs[0].SQL != "new" || qs[1].ID != "CSAS_B_1" {
		var got []string
		for _, q := range qs {
			got = append(got, q.ID+"="+q.SQL)
		}
		t.Fatalf("queries = %q, want [CSAS_A_0=new CSAS_B_1=b]", got)
	}
}
