package state

import (
	"os"
	"strconv"
	"sync"

	"github.com/linxGnu/grocksdb"
)

// Defaults for small per-query state (see Options).
const (
	defaultWriteBuffer = 4 << 20
	defaultBlockCache  = 16 << 20
)

// DB is one RocksDB instance holding named tables. Its methods are safe for
// concurrent use, except that Close and Destroy must not race the others'
// iterators (they close iterators still open).
type DB struct {
	dir  string
	opts Options

	mu     sync.RWMutex // guards closed; held shared by every call, exclusively by Close
	closed bool

	itersMu sync.Mutex // guards iters and each iterator's release
	iters   map[*iter]struct{}

	db    *grocksdb.DB
	ro    *grocksdb.ReadOptions // point reads (no bounds)
	wo    *grocksdb.WriteOptions
	rOpts *grocksdb.Options
	bbto  *grocksdb.BlockBasedTableOptions
	cache *grocksdb.Cache

	keys sync.Pool // *[]byte scratch for stored keys
}

// Open opens (by default creating) the database in dir.
func Open(dir string, opts Options) (*DB, error) {
	if !opts.MustExist && !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, errIO(err, "create state directory %s", dir)
		}
	}
	d := &DB{dir: dir, opts: opts, iters: map[*iter]struct{}{}}
	d.keys.New = func() any { b := make([]byte, 0, 128); return &b }
	d.newOptions()
	var err error
	if opts.ReadOnly {
		d.db, err = grocksdb.OpenDbForReadOnly(d.rOpts, dir, false)
	} else {
		d.db, err = grocksdb.OpenDb(d.rOpts, dir)
	}
	if err != nil {
		d.freeOptions()
		return nil, errIO(err, "open state store %s", dir)
	}
	d.ro = grocksdb.NewDefaultReadOptions()
	d.wo = grocksdb.NewDefaultWriteOptions()
	d.wo.SetSync(opts.SyncWrites)
	d.wo.DisableWAL(opts.DisableWAL)
	return d, nil
}

// newOptions builds the RocksDB options from d.opts.
func (d *DB) newOptions() {
	wb, bc := d.opts.WriteBufferSize, d.opts.BlockCacheSize
	if wb <= 0 {
		wb = defaultWriteBuffer
	}
	if bc <= 0 {
		bc = defaultBlockCache
	}
	d.cache = grocksdb.NewLRUCache(uint64(bc))
	d.bbto = grocksdb.NewDefaultBlockBasedTableOptions()
	d.bbto.SetBlockCache(d.cache)
	d.bbto.SetFilterPolicy(grocksdb.NewBloomFilterFull(10))
	d.bbto.SetCacheIndexAndFilterBlocks(true)
	o := grocksdb.NewDefaultOptions()
	o.SetCreateIfMissing(!d.opts.MustExist)
	o.SetInfoLogLevel(grocksdb.WarnInfoLogLevel) // the default is DEBUG
	o.SetKeepLogFileNum(2)
	o.SetMaxLogFileSize(1 << 20)
	o.SetWriteBufferSize(uint64(wb))
	o.SetMaxWriteBufferNumber(2)
	o.SetMaxBackgroundJobs(2)
	o.SetCompression(grocksdb.LZ4Compression)
	o.SetBlockBasedTableFactory(d.bbto)
	d.rOpts = o
}

func (d *DB) freeOptions() {
	d.rOpts.Destroy()
	d.bbto.Destroy()
	d.cache.Destroy()
}

// Dir is the directory the DB lives in.
func (d *DB) Dir() string { return d.dir }

// Close closes the DB and any iterator still open. It is idempotent.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.itersMu.Lock()
	for it := range d.iters {
		it.err = errClosed(d.dir)
		it.release()
	}
	clear(d.iters)
	d.itersMu.Unlock()
	d.ro.Destroy()
	d.wo.Destroy()
	d.db.Close()
	d.freeOptions()
	return nil
}

// Destroy closes the DB and deletes its directory (DROP / TERMINATE).
func (d *DB) Destroy() error {
	if err := d.Close(); err != nil {
		return err
	}
	return DestroyDir(d.dir)
}

// DestroyDir deletes the (closed) database in dir and the directory itself.
// A missing directory is not an error.
func DestroyDir(dir string) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	o := grocksdb.NewDefaultOptions()
	o.SetInfoLogLevel(grocksdb.WarnInfoLogLevel)
	err := grocksdb.DestroyDb(dir, o)
	o.Destroy()
	if err != nil {
		return errIO(err, "destroy state store %s", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return errIO(err, "remove state directory %s", dir)
	}
	return nil
}

// rlock takes the shared lock and fails when the DB is closed; callers
// defer d.mu.RUnlock() only when it returns nil.
func (d *DB) rlock() error {
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return errClosed(d.dir)
	}
	return nil
}

// Get appends the committed value of key in table to dst. found is false
// (and val is dst) when the key is absent. Pending writes of a Batch are
// not visible: use GetThrough for those.
func (d *DB) Get(table string, key, dst []byte) (val []byte, found bool, err error) {
	if err := checkTable(table); err != nil {
		return dst, false, err
	}
	return d.get(table, key, dst)
}

func (d *DB) get(table string, key, dst []byte) ([]byte, bool, error) {
	if err := d.rlock(); err != nil {
		return dst, false, err
	}
	defer d.mu.RUnlock()
	kb := d.keys.Get().(*[]byte)
	k := appendTableKey((*kb)[:0], table, key)
	h, err := d.db.GetPinned(d.ro, k)
	*kb = k
	d.keys.Put(kb)
	if err != nil {
		return dst, false, errIO(err, "read state table %s", table)
	}
	if !h.Exists() {
		return dst, false, nil
	}
	dst = append(dst, h.Data()...)
	h.Destroy()
	return dst, true, nil
}

// GetThrough reads key as the batch's owner sees it: b's pending Put or
// Delete if it has one, else the committed value. It appends to dst.
func (d *DB) GetThrough(b *Batch, table string, key, dst []byte) (val []byte, found bool, err error) {
	if err := checkTable(table); err != nil {
		return dst, false, err
	}
	if b != nil {
		switch v, op := b.Get(table, key); op {
		case OpPut:
			return append(dst, v...), true, nil
		case OpDelete:
			return dst, false, nil
		}
	}
	return d.get(table, key, dst)
}

// Usage is a snapshot of the DB's memory and disk use, in bytes.
type Usage struct {
	Memtables    uint64 // rocksdb.cur-size-all-mem-tables
	BlockCache   uint64 // rocksdb.block-cache-usage
	TableReaders uint64 // rocksdb.estimate-table-readers-mem (index and filter blocks outside the cache)
	SSTFiles     uint64 // rocksdb.total-sst-files-size
	LiveData     uint64 // rocksdb.estimate-live-data-size
	Keys         uint64 // rocksdb.estimate-num-keys (approximate)
}

// Usage reports the DB's memory and disk use (zero when closed).
func (d *DB) Usage() Usage {
	if d.rlock() != nil {
		return Usage{}
	}
	defer d.mu.RUnlock()
	p := func(name string) uint64 {
		n, _ := strconv.ParseUint(d.db.GetProperty(name), 10, 64)
		return n
	}
	return Usage{
		Memtables:    p("rocksdb.cur-size-all-mem-tables"),
		BlockCache:   p("rocksdb.block-cache-usage"),
		TableReaders: p("rocksdb.estimate-table-readers-mem"),
		SSTFiles:     p("rocksdb.total-sst-files-size"),
		LiveData:     p("rocksdb.estimate-live-data-size"),
		Keys:         p("rocksdb.estimate-num-keys"),
	}
}

// Flush writes the memtables to SST files (tests and benchmarks use it to
// measure disk use; the runtime never needs it).
func (d *DB) Flush() error {
	if err := d.rlock(); err != nil {
		return err
	}
	defer d.mu.RUnlock()
	fo := grocksdb.NewDefaultFlushOptions()
	defer fo.Destroy()
	fo.SetWait(true)
	if err := d.db.Flush(fo); err != nil {
		return errIO(err, "flush state store %s", d.dir)
	}
	return nil
}
