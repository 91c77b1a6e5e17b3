package state

// The state package's contract; implementations live in the other files.
//
// A DB is one RocksDB instance in a directory (one per query per task in the
// runtime; one per driver in the test driver). It holds named tables
// (key-value namespaces); writes go through a Batch that is applied
// atomically together with the offsets it reflects, so that after a crash
// the stored offsets say exactly which changelog / input offsets the state
// contains. Keys and values are opaque bytes: callers encode them (the
// exec operators use the format package or their own encodings).
//
// Window and session stores are tables whose keys embed the window (see
// WindowKey / SessionKey): a prefix scan by the record key returns the
// windows of that key in start order.

// Options tunes a DB.
type Options struct {
	// CreateIfMissing creates the directory's database (default true when
	// the zero value is used through Open).
	ReadOnly bool
}

// Iterator walks key-ordered entries. Key and Value are valid until Next or
// Close; copy them to keep them. Always Close an iterator.
type Iterator interface {
	Valid() bool
	Next()
	Key() []byte
	Value() []byte
	Err() error
	Close()
}

// Offsets maps a name (a changelog topic-partition "topic/3", or an input
// topic-partition) to the next offset the state reflects.
type Offsets map[string]int64
