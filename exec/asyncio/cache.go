package asyncio

import (
	"container/list"
	"math"
	"strconv"
	"time"

	"github.com/rql/rql/sqltypes"
)

// cache is a size-bounded LRU of successful results with a TTL, keyed by
// the arguments' fingerprint. It is guarded by the operator's mutex.
type cache struct {
	size int
	ttl  time.Duration
	ll   *list.List // front = most recently used
	m    map[string]*list.Element
}

type cacheEntry struct {
	key     string
	val     sqltypes.Value
	expires time.Time
}

func newCache(size int, ttl time.Duration) *cache {
	return &cache{size: size, ttl: ttl, ll: list.New(), m: make(map[string]*list.Element, size)}
}

// get returns the live entry for key.
func (c *cache) get(key string, now time.Time) (sqltypes.Value, bool) {
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	ce := el.Value.(*cacheEntry)
	if now.After(ce.expires) {
		c.ll.Remove(el)
		delete(c.m, key)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return ce.val, true
}

// put stores val, evicting the least recently used entry when full.
func (c *cache) put(key string, val sqltypes.Value, now time.Time) {
	if el, ok := c.m[key]; ok {
		ce := el.Value.(*cacheEntry)
		ce.val, ce.expires = val, now.Add(c.ttl)
		c.ll.MoveToFront(el)
		return
	}
	c.m[key] = c.ll.PushFront(&cacheEntry{key: key, val: val, expires: now.Add(c.ttl)})
	for c.ll.Len() > c.size {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*cacheEntry).key)
	}
}

// fingerprint encodes argument values into a string that is equal for
// equal values (of the same Go representation) and different otherwise:
// each value is tagged with its kind and strings are length-prefixed.
func fingerprint(args []sqltypes.Value) string {
	b := make([]byte, 0, 32)
	for _, a := range args {
		b = appendFP(b, a)
	}
	return string(b)
}

func appendFP(b []byte, v sqltypes.Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 'n')
	case bool:
		if x {
			return append(b, 't')
		}
		return append(b, 'f')
	case int32:
		return strconv.AppendInt(append(b, 'i'), int64(x), 10)
	case int64:
		return strconv.AppendInt(append(b, 'l'), x, 10)
	case float64:
		return strconv.AppendUint(append(b, 'd'), math.Float64bits(x), 16)
	case sqltypes.Decimal:
		return appendStr(append(b, 'D'), x.String())
	case string:
		return appendStr(append(b, 's'), x)
	case []byte:
		return appendStr(append(b, 'b'), string(x))
	case sqltypes.Timestamp:
		return strconv.AppendInt(append(b, 'T'), int64(x), 10)
	case sqltypes.Date:
		return strconv.AppendInt(append(b, 'A'), int64(x), 10)
	case sqltypes.Time:
		return strconv.AppendInt(append(b, 'M'), int64(x), 10)
	case []sqltypes.Value:
		b = strconv.AppendInt(append(b, '['), int64(len(x)), 10)
		for _, e := range x {
			b = appendFP(b, e)
		}
		return b
	case *sqltypes.Map:
		b = strconv.AppendInt(append(b, '{'), int64(len(x.Keys)), 10)
		for i := range x.Keys {
			b = appendFP(appendFP(b, x.Keys[i]), x.Vals[i])
		}
		return b
	case *sqltypes.Struct:
		b = strconv.AppendInt(append(b, '('), int64(len(x.Vals)), 10)
		for _, e := range x.Vals {
			b = appendFP(b, e)
		}
		return b
	}
	return append(b, '?')
}

func appendStr(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	return append(append(b, ':'), s...)
}
