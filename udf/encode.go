package udf

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rql/rql/sqltypes"
)

func registerEncode(r *Registry) {
	r.MustRegister(
		def("ENCODE", catString, "Converts a string from inputEncoding to outputEncoding (hex, utf8, ascii, base64).",
			sig(tStr, evalEncode, pa("str", tStr), pa("inputEncoding", tStr), pa("outputEncoding", tStr))),
		def("FROM_BYTES", catConv, "Converts bytes to a string in the given encoding (hex, utf8, ascii, base64).",
			sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return bytesToText(asBytes(a[0]), asStr(a[1]), true)
			}, pa("bytes", tBytes), pa("encoding", tStr))),
		def("TO_BYTES", catConv, "Converts a string in the given encoding (hex, utf8, ascii, base64) to bytes.",
			sig(tBytes, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return textToBytes(asStr(a[0]), asStr(a[1]))
			}, pa("string", tStr), pa("encoding", tStr))),
	)
}

// textToBytes decodes s written in encoding enc.
func textToBytes(s, enc string) ([]byte, error) {
	switch strings.ToLower(enc) {
	case "hex":
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fnErr("invalid hex string %q", s)
		}
		return b, nil
	case "utf8":
		return []byte(s), nil
	case "ascii":
		var out []byte
		for _, r := range s {
			if r > 127 {
				r = '?'
			}
			out = append(out, byte(r))
		}
		if out == nil {
			out = []byte{}
		}
		return out, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fnErr("invalid base64 string %q", s)
		}
		return b, nil
	}
	return nil, fnErr("unsupported encoding %s; supported encodings are hex, utf8, ascii and base64", enc)
}

// bytesToText encodes b in encoding enc; hex is upper-case for FROM_BYTES
// and lower-case for ENCODE.
func bytesToText(b []byte, enc string, upperHex bool) (string, error) {
	switch strings.ToLower(enc) {
	case "hex":
		h := hex.EncodeToString(b)
		if upperHex {
			h = strings.ToUpper(h)
		}
		return h, nil
	case "utf8":
		var sb strings.Builder
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			sb.WriteRune(r) // RuneError is U+FFFD, as Java decodes malformed input
			b = b[n:]
		}
		return sb.String(), nil
	case "ascii":
		rs := make([]rune, len(b))
		for i, c := range b {
			if c > 127 {
				rs[i] = utf8.RuneError
			} else {
				rs[i] = rune(c)
			}
		}
		return string(rs), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(b), nil
	}
	return "", fnErr("unsupported encoding %s; supported encodings are hex, utf8, ascii and base64", enc)
}

func evalEncode(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	b, err := textToBytes(asStr(a[0]), asStr(a[1]))
	if err != nil {
		return nil, err
	}
	return bytesToText(b, asStr(a[2]), false)
}

func evalChrInt(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	c := asInt(a[0])
	if c < 0 || c > utf8.MaxRune {
		return nil, nil
	}
	return string(rune(c)), nil
}

// evalChrStr decodes "\uXXXX" (optionally a surrogate pair "\uD820\uDEB8").
func evalChrStr(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	s := asStr(a[0])
	var units []uint16
	for len(s) > 0 {
		if len(s) < 6 || (s[:2] != `\u` && s[:2] != `\U`) {
			return nil, nil
		}
		n, err := strconv.ParseUint(s[2:6], 16, 16)
		if err != nil {
			return nil, nil
		}
		units = append(units, uint16(n))
		s = s[6:]
	}
	if len(units) == 0 || len(units) > 2 {
		return nil, nil
	}
	return string(utf16.Decode(units)), nil
}

func evalUUID(_ *EvalContext, _ []sqltypes.Value) (sqltypes.Value, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fnErr("cannot generate a UUID: %v", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

func evalMD5(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	sum := md5.Sum([]byte(asStr(a[0])))
	return hex.EncodeToString(sum[:]), nil
}
