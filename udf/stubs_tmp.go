package udf

// Temporary stubs so the package compiles while datetime.go, collections.go,
// lambda.go and table.go are being written. Delete a stub as soon as its
// real function exists.

func registerDateTime(r *Registry)    {}
func registerCollections(r *Registry) {}
func registerLambda(r *Registry)      {}
func registerTable(r *Registry)       {}
