package udf

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// registerConvert adds the BYTES → number conversions of ksqlDB.
func registerConvert(r *Registry) {
	r.MustRegister(
		def("INT_FROM_BYTES", catConv, "Converts a 4-byte BYTES value to an INT, big-endian unless byteOrder is 'LITTLE_ENDIAN'.",
			sig(tInt, fromBytes(4, func(u uint64) sqltypes.Value { return int32(uint32(u)) }), pa("value", tBytes)),
			sig(tInt, fromBytes(4, func(u uint64) sqltypes.Value { return int32(uint32(u)) }), pa("value", tBytes), pa("byteOrder", tStr))),
		def("BIGINT_FROM_BYTES", catConv, "Converts an 8-byte BYTES value to a BIGINT, big-endian unless byteOrder is 'LITTLE_ENDIAN'.",
			sig(tBig, fromBytes(8, func(u uint64) sqltypes.Value { return int64(u) }), pa("value", tBytes)),
			sig(tBig, fromBytes(8, func(u uint64) sqltypes.Value { return int64(u) }), pa("value", tBytes), pa("byteOrder", tStr))),
		def("DOUBLE_FROM_BYTES", catConv, "Converts an 8-byte BYTES value to a DOUBLE, big-endian unless byteOrder is 'LITTLE_ENDIAN'.",
			sig(tDbl, fromBytes(8, func(u uint64) sqltypes.Value { return math.Float64frombits(u) }), pa("value", tBytes)),
			sig(tDbl, fromBytes(8, func(u uint64) sqltypes.Value { return math.Float64frombits(u) }), pa("value", tBytes), pa("byteOrder", tStr))),
	)
	registerURL(r)
}

func fromBytes(size int, conv func(uint64) sqltypes.Value) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		b := asBytes(a[0])
		if len(b) != size {
			return nil, fnErr("number of bytes must be equal to %d, but found %d", size, len(b))
		}
		var order binary.ByteOrder = binary.BigEndian
		if len(a) > 1 {
			switch strings.ToUpper(asStr(a[1])) {
			case "BIG_ENDIAN":
			case "LITTLE_ENDIAN":
				order = binary.LittleEndian
			default:
				return nil, fnErr("byte order must be BIG_ENDIAN or LITTLE_ENDIAN, but was %s", asStr(a[1]))
			}
		}
		if size == 4 {
			return conv(uint64(order.Uint32(b))), nil
		}
		return conv(order.Uint64(b)), nil
	}
}
