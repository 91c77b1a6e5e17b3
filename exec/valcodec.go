package exec

import (
	"encoding/binary"
	"math"
	"math/big"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The state codec: a compact, self-describing binary encoding of
// sqltypes.Values for operator state (group keys, accumulators, remembered
// input rows). Each value is a tag byte then its payload; equal values of
// one SQL type encode to equal bytes, so encoded group keys can be state
// keys. It is private to the operators: no other component reads it.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagBigint
	tagDouble
	tagDecimal
	tagString
	tagBytes
	tagTimestamp
	tagDate
	tagTime
	tagArray
	tagMap
	tagStruct
)

// appendValue appends v's encoding to dst.
func appendValue(dst []byte, v sqltypes.Value) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, tagNull), nil
	case bool:
		if x {
			return append(dst, tagTrue), nil
		}
		return append(dst, tagFalse), nil
	case int32:
		return binary.BigEndian.AppendUint32(append(dst, tagInt), uint32(x)), nil
	case int64:
		return binary.BigEndian.AppendUint64(append(dst, tagBigint), uint64(x)), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(dst, tagDouble), math.Float64bits(x)), nil
	case sqltypes.Decimal:
		dst = binary.AppendVarint(append(dst, tagDecimal), int64(x.Scale))
		u := x.Unscaled
		if u == nil {
			u = new(big.Int)
		}
		dst = append(dst, byte(u.Sign()+1))
		return appendBlob(dst, u.Bytes()), nil
	case string:
		return appendBlob(append(dst, tagString), []byte(x)), nil
	case []byte:
		return appendBlob(append(dst, tagBytes), x), nil
	case sqltypes.Timestamp:
		return binary.BigEndian.AppendUint64(append(dst, tagTimestamp), uint64(x)), nil
	case sqltypes.Date:
		return binary.BigEndian.AppendUint32(append(dst, tagDate), uint32(x)), nil
	case sqltypes.Time:
		return binary.BigEndian.AppendUint32(append(dst, tagTime), uint32(x)), nil
	case []sqltypes.Value:
		return appendValues(append(dst, tagArray), x)
	case *sqltypes.Map:
		dst = binary.AppendUvarint(append(dst, tagMap), uint64(len(x.Keys)))
		var err error
		for i := range x.Keys {
			if dst, err = appendValue(dst, x.Keys[i]); err != nil {
				return nil, err
			}
			if dst, err = appendValue(dst, x.Vals[i]); err != nil {
				return nil, err
			}
		}
		return dst, nil
	case *sqltypes.Struct:
		return appendValues(append(dst, tagStruct), x.Vals)
	}
	return nil, rqlerr.Bug("state codec: cannot encode %T", v)
}

// appendValues appends a count then each value.
func appendValues(dst []byte, vs []sqltypes.Value) ([]byte, error) {
	dst = binary.AppendUvarint(dst, uint64(len(vs)))
	var err error
	for _, v := range vs {
		if dst, err = appendValue(dst, v); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func appendBlob(dst, p []byte) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(p))), p...)
}

var errCodec = rqlerr.New(rqlerr.StateCorrupt, "state codec: truncated or invalid value")

// readValues reads what appendValues wrote.
func readValues(src []byte) ([]sqltypes.Value, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)) {
		return nil, nil, errCodec
	}
	src = src[k:]
	out := make([]sqltypes.Value, n)
	var err error
	for i := range out {
		if out[i], src, err = readValue(src); err != nil {
			return nil, nil, err
		}
	}
	return out, src, nil
}

func readBlob(src []byte) ([]byte, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return nil, nil, errCodec
	}
	return src[k : k+int(n)], src[k+int(n):], nil
}

// readValue reads one value; the rest of src follows.
func readValue(src []byte) (sqltypes.Value, []byte, error) {
	if len(src) == 0 {
		return nil, nil, errCodec
	}
	tag, src := src[0], src[1:]
	need := func(n int) bool { return len(src) >= n }
	switch tag {
	case tagNull:
		return nil, src, nil
	case tagFalse:
		return false, src, nil
	case tagTrue:
		return true, src, nil
	case tagInt, tagDate, tagTime:
		if !need(4) {
			return nil, nil, errCodec
		}
		u := binary.BigEndian.Uint32(src)
		switch tag {
		case tagDate:
			return sqltypes.Date(int32(u)), src[4:], nil
		case tagTime:
			return sqltypes.Time(int32(u)), src[4:], nil
		}
		return int32(u), src[4:], nil
	case tagBigint, tagDouble, tagTimestamp:
		if !need(8) {
			return nil, nil, errCodec
		}
		u := binary.BigEndian.Uint64(src)
		switch tag {
		case tagDouble:
			return math.Float64frombits(u), src[8:], nil
		case tagTimestamp:
			return sqltypes.Timestamp(int64(u)), src[8:], nil
		}
		return int64(u), src[8:], nil
	case tagDecimal:
		scale, k := binary.Varint(src)
		if k <= 0 || len(src) < k+1 {
			return nil, nil, errCodec
		}
		sign := int(src[k]) - 1
		mag, rest, err := readBlob(src[k+1:])
		if err != nil {
			return nil, nil, err
		}
		u := new(big.Int).SetBytes(mag)
		if sign < 0 {
			u.Neg(u)
		}
		return sqltypes.Decimal{Unscaled: u, Scale: int32(scale)}, rest, nil
	case tagString, tagBytes:
		p, rest, err := readBlob(src)
		if err != nil {
			return nil, nil, err
		}
		if tag == tagString {
			return string(p), rest, nil
		}
		return append([]byte{}, p...), rest, nil
	case tagArray:
		vs, rest, err := readValues(src)
		return vs, rest, err
	case tagStruct:
		vs, rest, err := readValues(src)
		if err != nil {
			return nil, nil, err
		}
		return &sqltypes.Struct{Vals: vs}, rest, nil
	case tagMap:
		n, k := binary.Uvarint(src)
		if k <= 0 || n > uint64(len(src)) {
			return nil, nil, errCodec
		}
		src = src[k:]
		m := &sqltypes.Map{Keys: make([]sqltypes.Value, n), Vals: make([]sqltypes.Value, n)}
		var err error
		for i := range m.Keys {
			if m.Keys[i], src, err = readValue(src); err != nil {
				return nil, nil, err
			}
			if m.Vals[i], src, err = readValue(src); err != nil {
				return nil, nil, err
			}
		}
		return m, src, nil
	}
	return nil, nil, errCodec
}
