package planner

import "strings"

// CatalogFunction is a user function as the catalog keeps it: its name and
// the CREATE FUNCTION statement that made it (replaying the statement
// re-creates the function).
type CatalogFunction struct {
	Name string // upper case
	SQL  string
}

// PutFunction records a user function's statement, replacing an earlier
// one of the same name (CREATE OR REPLACE keeps its place).
func (c *Catalog) PutFunction(name, sql string) {
	name = strings.ToUpper(name)
	for i, f := range c.functions {
		if f.Name == name {
			c.functions[i].SQL = sql
			return
		}
	}
	c.functions = append(c.functions, CatalogFunction{Name: name, SQL: sql})
}

// DropFunction forgets a user function; it reports whether it was known.
func (c *Catalog) DropFunction(name string) bool {
	name = strings.ToUpper(name)
	for i, f := range c.functions {
		if f.Name == name {
			c.functions = append(c.functions[:i:i], c.functions[i+1:]...)
			return true
		}
	}
	return false
}

// Functions returns the user functions in creation order.
func (c *Catalog) Functions() []CatalogFunction {
	return append([]CatalogFunction(nil), c.functions...)
}
