package state

import (
	"fmt"

	"github.com/rql/rql/rqlerr"
)

// errIO wraps a RocksDB failure (an External error: disk, locks).
func errIO(err error, format string, args ...any) *rqlerr.Error {
	e := rqlerr.Wrap(rqlerr.StateIO, err, format, args...)
	e.Domain = rqlerr.External
	return e
}

// errClosed is returned by every call on a closed DB.
func errClosed(dir string) *rqlerr.Error {
	return rqlerr.New(rqlerr.StateClosed, "state store %s is closed", dir)
}

// errTable reports an invalid table name.
func errTable(table string) *rqlerr.Error {
	return rqlerr.New(rqlerr.StateTable, "invalid state table name %q: it must be 1 to %d bytes", table, MaxTableName)
}

// errCorrupt reports stored bytes of the wrong shape.
func errCorrupt(format string, args ...any) *rqlerr.Error {
	return rqlerr.New(rqlerr.StateCorrupt, "corrupt state: %s", fmt.Sprintf(format, args...))
}

// checkTable validates a user table name.
func checkTable(table string) error {
	if len(table) == 0 || len(table) > MaxTableName {
		return errTable(table)
	}
	return nil
}

// appendTableKey appends the stored form of (table, key): byte(len(table))
// || table || key. table must be valid (or "" for the reserved table).
func appendTableKey(dst []byte, table string, key []byte) []byte {
	dst = append(dst, byte(len(table)))
	dst = append(dst, table...)
	return append(dst, key...)
}

// prefixEnd returns the smallest key greater than every key starting with
// p, appended to dst, or nil when no such key exists (p is all 0xff).
func prefixEnd(dst, p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			dst = append(dst, p[:i+1]...)
			dst[len(dst)-1]++
			return dst
		}
	}
	return nil
}
