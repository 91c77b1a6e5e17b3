package udf

// Builtins returns a new registry holding every built-in function. Each call
// returns a fresh registry, so callers may add their own functions to it.
func Builtins() *Registry {
	r := NewRegistry()
	registerString(r)
	registerMath(r)
	registerNulls(r)
	registerJSON(r)
	registerConvert(r)
	registerDateTime(r)
	registerCollections(r)
	registerLambda(r)
	registerTable(r)
	registerAggregates(r)
	return r
}
