// Package udf owns rql's functions: the FuncDef / Variant model, the
// Registry value that holds them (never a global: each engine gets its own,
// usually a copy of Builtins()), overload resolution with ksqlDB's implicit
// conversions, and the built-in scalar and table functions of ksqlDB's
// reference with ksqlDB's semantics for NULLs and errors.
package udf
