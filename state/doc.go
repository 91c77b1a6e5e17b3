// Package state owns rql's local state: one RocksDB instance per directory
// (one per query per task in the runtime, one per driver in the test
// driver), named tables inside it, write batches, and the offsets stored
// with the data. It knows nothing of SQL: keys and values are opaque bytes
// that the operators encode (except the window and session key layouts,
// which are defined here so that range scans work).
//
// # API
//
//	Open(dir, Options) (*DB, error)            create-if-missing, WARN info log
//	(*DB).Close() error                        idempotent; closes open iterators
//	(*DB).Get(table, key, dst) (val, found, err)   committed data only; appends to dst
//	(*DB).GetThrough(b, table, key, dst)       b's pending writes first, then the DB
//	(*DB).Range(table, lo, hi) Iterator        [lo, hi); nil lo = start, nil hi = end
//	(*DB).Reverse(table, lo, hi) Iterator      the same range, highest key first
//	(*DB).Prefix(table, prefix) Iterator       keys starting with prefix
//	(*DB).NewBatch() *Batch                    Put / Delete / Get (read your writes) / Each
//	(*DB).Commit(b, offsets) error             b and offsets land atomically; resets b
//	(*DB).Offsets() (Offsets, error)           restore checkpoint
//	(*DB).DropTable(table) error               deletes a table's entries (committed)
//	(*DB).Usage() Usage                        memtable, block cache, SST bytes
//	(*DB).Destroy() error, DestroyDir(dir)     DROP / TERMINATE cleanup
//	WindowKey / DecodeWindowKey / WindowPrefix / WindowRange, (*DB).Windows
//	SessionKey / DecodeSessionKey / SessionPrefix / SessionRange, (*DB).Sessions
//
// # Tables
//
// Tables are key prefixes in RocksDB's default column family, not column
// families: an entry of table t with key k is stored under
//
//	byte(len(t)) || t || k
//
// The length byte makes the prefixes prefix-free, so tables never overlap
// and a table is one contiguous key range. Table names are 1..255 bytes.
// Prefixes instead of column families because (1) a single column family
// makes every crash-recovered state a prefix of the commit sequence even
// with the WAL off (no atomic-flush across families needed), so stored
// offsets always match the data; (2) tables appear and disappear without
// handle bookkeeping (Debian's RocksDB aborts the process when a handle
// outlives the DB); (3) many small tables share one memtable instead of
// paying one each. The price is len(t)+1 bytes per key, which RocksDB's
// block prefix compression mostly absorbs. DropTable deletes the table's
// range with one range tombstone.
//
// The reserved table with the empty name (prefix 0x00) holds the offsets:
// key 0x00 || name, value the offset as 8 bytes big-endian.
//
// # Atomicity contract
//
// Reads (Get, Range, Prefix, ...) see only committed data. An operator's
// writes collect in a *Batch (a Go map overlay: no RocksDB call until
// Commit); Batch.Get and DB.GetThrough let it read its own pending writes.
// A Batch keeps one entry per key (the last Put or Delete wins), which is
// also the set of changelog records to produce for the transaction
// (Batch.Each). Commit writes the batch and the offsets in one RocksDB
// WriteBatch: after any crash the DB holds either all of it or none of it.
// Commits are applied only after the Kafka transaction that produced their
// changelog records committed, so the stored offsets are the restore
// checkpoint: replay each changelog from its stored offset.
//
// Writes are not fsynced by default (Options.SyncWrites): the changelog
// topic is the source of truth. A process crash (kill -9) loses nothing
// (the WAL is in the page cache); a machine crash may lose the last
// commits, but never part of one, and their offsets go with them, so the
// restore replays exactly what is missing.
//
// # Window and session keys
//
// Integers are big-endian; timestamps (int64 ms) have their sign bit
// flipped, so that unsigned byte order equals signed numeric order. The
// record key is length-prefixed (4 bytes big-endian) so that keys of
// different lengths never interleave:
//
//	WindowKey(key, start)       = len32(key) || key || ts(start)
//	SessionKey(key, start, end) = len32(key) || key || ts(end) || ts(start)
//
// A prefix scan on WindowPrefix(key) yields that key's windows in start
// order; [WindowKey(k, from), WindowKey(k, to)) is the windows of k with
// from <= start < to. Sessions sort by key, then end, then start (like
// Kafka Streams' SessionKeySchema), so the sessions of k that end at or
// after t are the range [len32(k) || k || ts(t), end of k's prefix); the
// ones that can merge with a record at ts with gap g are those with
// end >= ts-g and start <= ts+g (DB.Sessions filters the start bound).
// Across keys, entries sort by (len(key), key): grouped by key, but not in
// plain lexicographic key order.
package state
