package udf

import "github.com/rql/rql/sqltypes"

func registerNulls(r *Registry) {
	registerAsValue(r)
	coalesce := def("COALESCE", catNulls, "Returns the first non-null parameter, or NULL when every parameter is NULL.",
		nulls(varsig(tGenT, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			for _, v := range a {
				if v != nil {
					return v, nil
				}
			}
			return nil, nil
		}, pa("first", tGenT), pa("others", tGenT))))
	coalesce.DisplayName = "COALESCE"
	r.MustRegister(
		coalesce,
		def("IFNULL", catNulls, "Returns expression if it is not NULL, otherwise altValue.",
			nulls(sig(tGenT, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if a[0] != nil {
					return a[0], nil
				}
				return a[1], nil
			}, pa("expression", tGenT), pa("altValue", tGenT)))),
		def("NULLIF", catNulls, "Returns NULL if expr1 equals expr2, otherwise expr1.",
			nulls(sig(tGenT, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if a[0] == nil || a[1] == nil {
					return a[0], nil
				}
				if ValuesEqual(a[0], a[1]) {
					return nil, nil
				}
				return a[0], nil
			}, pa("expr1", tGenT), pa("expr2", tGenT)))),
	)
}

// registerAsValue adds AS_VALUE, which copies a key column into the value;
// as a function it is the identity.
func registerAsValue(r *Registry) {
	r.MustRegister(def("AS_VALUE", catOther, "Used exclusively in the projection of a query to copy a key column into the value.",
		sig(tGenT, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return a[0], nil }, pa("keyColumn", tGenT))))
}
