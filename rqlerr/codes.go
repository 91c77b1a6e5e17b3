package rqlerr

// The error codes. Add a code here and to Codes, never renumber or reuse one.
// Prefixes: P parsing, B binding and planning (names, types, semantics),
// S statements against the catalog, F formats and serialization, E
// execution (records, functions), K Kafka, T state, U user functions and
// asynchronous enrichment (ENRICH).
const (
	BUG Code = "RQL-BUG"

	ParseSyntax      Code = "RQL-P0001"
	ParseUnsupported Code = "RQL-P0002"
	ParseLiteral     Code = "RQL-P0003"
	ParseType        Code = "RQL-P0004"
	ParseProperty    Code = "RQL-P0005"

	BindUnknownColumn   Code = "RQL-B0001"
	BindUnknownSource   Code = "RQL-B0002"
	BindAmbiguous       Code = "RQL-B0003"
	BindType            Code = "RQL-B0004"
	BindUnknownFunction Code = "RQL-B0005"
	BindFunctionArgs    Code = "RQL-B0006"
	BindInvalid         Code = "RQL-B0007"
	BindUnsupported     Code = "RQL-B0008"

	StmtSourceExists  Code = "RQL-S0001"
	StmtSourceMissing Code = "RQL-S0002"
	StmtInvalidProps  Code = "RQL-S0003"
	StmtIncompatible  Code = "RQL-S0004"
	StmtQueryMissing  Code = "RQL-S0005"
	StmtReadOnly      Code = "RQL-S0006"

	FormatUnsupported Code = "RQL-F0001"
	FormatDeserialize Code = "RQL-F0002"
	FormatSerialize   Code = "RQL-F0003"

	ExecEval     Code = "RQL-E0001"
	ExecFunction Code = "RQL-E0002"

	KafkaConfig       Code = "RQL-K0001"
	KafkaRetriable    Code = "RQL-K0002"
	KafkaTxnAbort     Code = "RQL-K0003"
	KafkaFatal        Code = "RQL-K0004"
	KafkaTopicExists  Code = "RQL-K0005"
	KafkaTopicMissing Code = "RQL-K0006"
	KafkaRequest      Code = "RQL-K0007"
	KafkaDelivery     Code = "RQL-K0008"

	StateIO      Code = "RQL-T0001"
	StateClosed  Code = "RQL-T0002"
	StateTable   Code = "RQL-T0003"
	StateCorrupt Code = "RQL-T0004"
	StateKey     Code = "RQL-T0005"
	// StateUnavailable: a pull query needs a partition of a table's state
	// that no live member of the service can serve now.
	StateUnavailable Code = "RQL-T0006"

	UserFuncDefinition  Code = "RQL-U0001"
	UserFuncStatus      Code = "RQL-U0002"
	UserFuncResponse    Code = "RQL-U0003"
	UserFuncUnavailable Code = "RQL-U0004"
	UserFuncCall        Code = "RQL-U0005"
	EnrichOption        Code = "RQL-U0006"
	EnrichFailed        Code = "RQL-U0007"
	EnrichClosed        Code = "RQL-U0008"
)

// CodeInfo documents one code.
type CodeInfo struct {
	Code        Code
	Description string
}

// Codes lists every code with its description; docs/errors.md is generated
// from it and a test checks that every constant above is listed.
var Codes = []CodeInfo{
	{BUG, "an internal invariant of rql was broken; please report it"},
	{ParseSyntax, "the statement is not valid SQL in rql's dialect"},
	{ParseUnsupported, "the statement uses a construct rql does not support"},
	{ParseLiteral, "a literal is malformed or out of range"},
	{ParseType, "a type name or type parameters are invalid"},
	{ParseProperty, "a WITH property is malformed"},
	{BindUnknownColumn, "a column name does not resolve to a column of the sources in scope"},
	{BindUnknownSource, "a stream or table name does not exist"},
	{BindAmbiguous, "a name matches more than one column"},
	{BindType, "an expression's operand types do not fit its operator"},
	{BindUnknownFunction, "no function of that name exists"},
	{BindFunctionArgs, "no variant of the function accepts the argument types"},
	{BindInvalid, "the query is not valid (e.g. a key column missing from the projection)"},
	{BindUnsupported, "the query uses a feature rql does not support yet"},
	{StmtSourceExists, "a stream or table of that name already exists"},
	{StmtSourceMissing, "the statement names a stream or table that does not exist"},
	{StmtInvalidProps, "the WITH properties of a statement are missing or invalid"},
	{StmtIncompatible, "the statement is incompatible with an existing source (e.g. INSERT INTO a different schema)"},
	{StmtQueryMissing, "the statement names a query that does not exist"},
	{StmtReadOnly, "the statement would write to a read-only (SOURCE) stream or table"},
	{FormatUnsupported, "the format does not support the schema (e.g. DELIMITED with an ARRAY column)"},
	{FormatDeserialize, "a record's key or value could not be deserialized"},
	{FormatSerialize, "a row could not be serialized"},
	{ExecEval, "an expression could not be evaluated for a record"},
	{ExecFunction, "a function failed for its arguments"},
	{KafkaConfig, "the Kafka client configuration is invalid (an option, a librdkafka property or a properties file)"},
	{KafkaRetriable, "a transient Kafka error (broker unreachable, timeout, leader change): the operation may be retried"},
	{KafkaTxnAbort, "a Kafka transaction hit an abortable error and was aborted: the records consumed since the last commit are delivered again"},
	{KafkaFatal, "a fatal Kafka client error (e.g. a fenced transactional producer): the client must be closed and recreated"},
	{KafkaTopicExists, "the Kafka topic already exists"},
	{KafkaTopicMissing, "the Kafka topic does not exist"},
	{KafkaRequest, "a Kafka request failed with a non-retriable error (e.g. invalid partitions or topic configs, authorization)"},
	{KafkaDelivery, "a record could not be delivered to Kafka"},
	{StateIO, "a RocksDB state store operation failed (open, read, write, destroy): disk full, permissions, or the directory is locked by another process"},
	{StateClosed, "the state store was used after it was closed (e.g. a query was terminated)"},
	{StateTable, "a state table name is invalid (it must be 1 to 255 bytes)"},
	{StateCorrupt, "stored state could not be decoded (a stored offset or key has the wrong shape); delete the state directory to restore it from the changelog"},
	{StateKey, "a window or session key could not be decoded"},
	{StateUnavailable, "a pull query needs a partition of a table's state that no live member of the service can serve now (its owner is restoring it, the group is rebalancing, or the owner is gone or unreachable): retry later"},
	{UserFuncDefinition, "a CREATE FUNCTION statement or a Go function registration is invalid (a missing or unknown property, a bad URL template, a name that is already taken)"},
	{UserFuncStatus, "an HTTP user function's endpoint answered with a non-2xx status that is not retryable (e.g. 400, 404)"},
	{UserFuncResponse, "an HTTP user function's response could not be mapped to the function's return type"},
	{UserFuncUnavailable, "an external call failed in a way that may succeed if retried: HTTP 429, 502, 503, 504 (honouring Retry-After), a connection error or a timeout"},
	{UserFuncCall, "a Go user function returned an error or panicked"},
	{EnrichOption, "an ENRICH ... WITH (...) option is unknown or has an invalid value"},
	{EnrichFailed, "an asynchronous enrichment call failed after its retries and on_failure='fail' stopped the query"},
	{EnrichClosed, "the asynchronous enrichment operator was used after Close"},
}
