package state

// The state package's contract: the exported types and the method set of
// *DB. Implementations live in db.go, iter.go, batch.go, commit.go and
// keys.go. See doc.go for the storage layout and the atomicity contract.

// Options tunes a DB. The zero value is the default for small per-query
// state: create the database when missing, 4 MiB write buffers, a 16 MiB
// block cache, WAL on but never fsynced, RocksDB's info log at WARN.
type Options struct {
	// MustExist makes Open fail when dir holds no database, instead of
	// creating one (default false: create if missing).
	MustExist bool
	// ReadOnly opens the database read-only (e.g. to answer pull queries
	// from a copy); Commit, DropTable and Destroy then fail.
	ReadOnly bool
	// WriteBufferSize is the size of one memtable in bytes, overriding the
	// default 4 MiB (random inserts into a smaller memtable are faster).
	// Two memtables may exist at once.
	WriteBufferSize int
	// BlockCacheSize is the LRU block cache in bytes, overriding the default
	// 16 MiB.
	BlockCacheSize int
	// SyncWrites fsyncs the WAL on every Commit (default false). Not needed
	// for correctness: the changelog topic is the source of truth and the
	// stored offsets say how far the local copy got (see doc.go).
	SyncWrites bool
	// DisableWAL skips RocksDB's write-ahead log (default false). Safe for
	// the same reason as SyncWrites (a crash loses a suffix of commits,
	// never part of one), but a restart then replays more of the changelog.
	DisableWAL bool
}

// Store is the part of *DB that operators use; it exists so that exec can
// name the dependency and tests can wrap it. *DB implements it.
type Store interface {
	// Get appends the committed value of key in table to dst.
	Get(table string, key, dst []byte) (val []byte, found bool, err error)
	// GetThrough reads key through b's pending writes, then the DB.
	GetThrough(b *Batch, table string, key, dst []byte) (val []byte, found bool, err error)
	// Range iterates table's committed entries with lo <= key < hi.
	Range(table string, lo, hi []byte) Iterator
	// Reverse is Range walked from the highest key down.
	Reverse(table string, lo, hi []byte) Iterator
	// Prefix iterates table's committed entries whose key starts with prefix.
	Prefix(table string, prefix []byte) Iterator
	// NewBatch returns an empty write batch.
	NewBatch() *Batch
	// Commit applies b and offsets atomically.
	Commit(b *Batch, offsets Offsets) error
	// Offsets reads back every offset stored by Commit.
	Offsets() (Offsets, error)
}

var _ Store = (*DB)(nil)

// Iterator walks key-ordered entries of one table (keys are returned
// without the table's prefix). Key and Value are valid until the next call
// to Next or Close; copy them to keep them. An iterator is not safe for
// concurrent use. Always Close an iterator; DB.Close closes any left open
// (after which Valid reports false).
//
// Usage:
//
//	it := db.Prefix("agg_1", k)
//	defer it.Close()
//	for ; it.Valid(); it.Next() { use(it.Key(), it.Value()) }
//	if err := it.Err(); err != nil { ... }
type Iterator interface {
	// Valid reports whether the iterator is positioned on an entry.
	Valid() bool
	// Next moves to the next entry (the previous one for Reverse).
	Next()
	// Key is the current entry's key (within its table).
	Key() []byte
	// Value is the current entry's value.
	Value() []byte
	// Err is the error that stopped the iteration, if any (*rqlerr.Error).
	Err() error
	// Close releases the iterator; calling it twice is fine.
	Close()
}

// Offsets maps a name (by convention "topic/partition", e.g. a changelog
// "q1-agg_1-changelog/3" or an input "orders/0") to the next offset the
// state reflects: the offset of the first record NOT yet applied. Commit
// merges offsets into the stored set (names not mentioned keep their value).
type Offsets map[string]int64

// Op is what a Batch holds for a key.
type Op uint8

const (
	// OpNone: the batch has no pending write for the key.
	OpNone Op = iota
	// OpPut: the batch will put a value.
	OpPut
	// OpDelete: the batch will delete the key.
	OpDelete
)

// Kind is the shape of a table's keys, for TableSpec.
type Kind uint8

const (
	// KeyValue tables hold one value per key (tables, non-windowed aggregates).
	KeyValue Kind = iota
	// Window tables are keyed by WindowKey (tumbling and hopping windows).
	Window
	// Session tables are keyed by SessionKey (session windows).
	Session
)

// TableSpec declares a table an operator uses (exec's Operator.Tables()),
// so that the runtime can create changelog topics and restore the table
// before the operator runs. The DB itself needs no declaration: any valid
// name (1..255 bytes) can be written.
type TableSpec struct {
	// Name is the table name, unique within the DB (1..255 bytes).
	Name string
	// Kind is the key shape.
	Kind Kind
	// Retention is how long (ms of event time) windows are kept; 0 = forever.
	Retention int64
}

// MaxTableName is the longest table name, in bytes.
const MaxTableName = 255
