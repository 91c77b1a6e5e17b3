package udf

import (
	"regexp"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestStringFunctions(t *testing.T) {
	s := sqltypes.String
	runFnCases(t, []fnCase{
		{"CONCAT", []tv{sv("prefix-"), sv("s1"), sv("-postfix")}, "prefix-s1-postfix"},
		{"CONCAT", []tv{sv("'"), sv("foo")}, "'foo"},
		{"CONCAT", []tv{byv([]byte("yes")), null(), byv([]byte("no"))}, []byte("yesno")},
		{"CONCAT", []tv{nv(s), sv("a")}, "a"},
		{"CONCAT_WS", []tv{sv("SEP"), sv("foo"), nv(s), sv("baz"), null(), sv("literal")}, "fooSEPbazSEPliteral"},
		{"CONCAT_WS", []tv{sv("SEP"), nv(s), nv(s), null(), sv("literal")}, "literal"},
		{"CONCAT_WS", []tv{nv(s), sv("foo")}, nil},
		{"CONCAT_WS", []tv{byv([]byte("a")), byv([]byte("b")), byv([]byte("yes")), null(), byv([]byte("no"))}, []byte("bayesano")},
		{"LCASE", []tv{sv("MiXeD")}, "mixed"},
		{"UCASE", []tv{sv(" \t with white space \t")}, " \t WITH WHITE SPACE \t"},
		{"TRIM", []tv{sv(" \t with white space \t")}, "with white space"},
		{"LTRIM", []tv{sv("  a ")}, "a "},
		{"RTRIM", []tv{sv("  a ")}, "  a"},
		{"LEN", []tv{sv("ABC")}, int32(3)},
		{"LEN", []tv{byv([]byte("abc"))}, int32(3)},
		{"LEN", []tv{nv(s)}, nil},
		{"LPAD", []tv{sv("foo"), iv(7), sv("Bar")}, "BarBfoo"},
		{"RPAD", []tv{sv("foo"), iv(7), sv("Bar")}, "fooBarB"},
		{"LPAD", []tv{sv("foobar"), iv(3), sv("x")}, "foo"},
		{"LPAD", []tv{sv("foo"), iv(5), sv("")}, nil},
		{"SUBSTRING", []tv{sv("some_string"), iv(6)}, "string"},
		{"SUBSTRING", []tv{sv("short"), iv(6)}, ""},
		{"SUBSTRING", []tv{sv("some_string"), iv(6), iv(3)}, "str"},
		{"SUBSTRING", []tv{sv("another"), iv(6), iv(3)}, "er"},
		{"SUBSTRING", []tv{sv("lower"), iv(2), iv(5)}, "ower"},
		{"SUBSTRING", []tv{sv("s"), iv(2), iv(5)}, ""},
		{"SUBSTRING", []tv{sv("some string"), iv(0), iv(2)}, "so"},
		{"SUBSTRING", []tv{sv("abcdef"), iv(-3)}, "def"},
		{"SUBSTRING", []tv{sv("abc"), nv(sqltypes.Int)}, nil},
		{"SUBSTRING", []tv{byv([]byte("some_string")), iv(6), iv(3)}, []byte("str")},
		{"REPLACE", []tv{sv("anaconda"), sv("a"), sv("o")}, "onocondo"},
		{"REPLACE", []tv{sv("anaconda"), null(), sv("o")}, nil},
		{"INSTR", []tv{sv("corporate floor"), sv("or"), iv(4), iv(2)}, int32(14)},
		{"INSTR", []tv{sv("corporate floor"), sv("or"), iv(-4)}, int32(5)},
		{"INSTR", []tv{sv("corporate floor"), sv("or"), iv(-4), iv(2)}, int32(2)},
		{"INSTR", []tv{sv("short"), sv("or"), iv(4), iv(2)}, int32(0)},
		{"INSTR", []tv{sv("short"), sv("or")}, int32(3)},
		{"INITCAP", []tv{sv("the   Quick br0wn fOx")}, "The   Quick Br0wn Fox"},
		{"INITCAP", []tv{sv("some_string")}, "Some_string"},
		{"SPLIT", []tv{sv("a.b.c"), sv(".")}, strs("a", "b", "c")},
		{"SPLIT", []tv{sv("..a.."), sv(".")}, strs("", "", "a", "", "")},
		{"SPLIT", []tv{sv(""), sv(".")}, strs("")},
		{"SPLIT", []tv{sv("abc"), sv("")}, strs("a", "b", "c")},
		{"SPLIT", []tv{sv(""), sv("")}, strs("")},
		{"SPLIT", []tv{sv("a$$b.c"), sv("$$")}, strs("a", "b.c")},
		{"SPLIT", []tv{byv([]byte(".abc.")), byv([]byte("."))}, []sqltypes.Value{[]byte{}, []byte("abc"), []byte{}}},
		{"SPLIT_TO_MAP", []tv{sv("a=1;b=2;bad;c=3=4"), sv(";"), sv("=")},
			&sqltypes.Map{Keys: strs("a", "b"), Vals: strs("1", "2")}},
		{"CHR", []tv{iv(75)}, "K"},
		{"CHR", []tv{iv(22909)}, "好"},
		{"CHR", []tv{iv(99000)}, "\U000182B8"},
		{"CHR", []tv{iv(-1)}, nil},
		{"CHR", []tv{sv(`\u004b`)}, "K"},
		{"CHR", []tv{sv(`\ud820\udeb8`)}, "\U000182B8"},
		{"CHR", []tv{sv("75")}, nil},
		{"CHR", []tv{sv("004b")}, nil},
		{"CHR", []tv{sv("")}, nil},
		{"ELT", []tv{iv(2), sv("ignored"), sv("something")}, "something"},
		{"ELT", []tv{iv(3), sv("a"), sv("b")}, nil},
		{"FIELD", []tv{sv("hello"), sv("world"), sv("hello")}, int32(2)},
		{"FIELD", []tv{sv("hello"), nv(s), nv(s)}, int32(0)},
		{"MD5", []tv{sv("r1")}, "7c92cf1eee8d99cc85f8355a3d6e4b86"},
		{"MD5", []tv{sv("")}, "d41d8cd98f00b204e9800998ecf8427e"},
		{"MASK", []tv{sv("AbC-12z")}, "XxX-nnx"},
		{"MASK", []tv{sv("AbC-12z"), sv("U"), null(), sv("#"), sv("_")}, "UbU_##z"},
		{"MASK_KEEP_LEFT", []tv{sv("AbC-12z"), iv(2)}, "AbX-nnx"},
		{"MASK_KEEP_RIGHT", []tv{sv("AbC-12z"), iv(2)}, "XxX-n2z"},
		{"MASK_LEFT", []tv{sv("AbC-12z"), iv(2)}, "XxC-12z"},
		{"MASK_RIGHT", []tv{sv("AbC-12z"), iv(2)}, "AbC-1nx"},
	})
}

func TestRegexFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{"REGEXP_EXTRACT", []tv{sv("test."), sv("some_test_string")}, "test_"},
		{"REGEXP_EXTRACT", []tv{sv("test."), sv("anothertest")}, nil},
		{"REGEXP_EXTRACT", []tv{sv("(.*) (.*)"), sv("steven zhang"), iv(2)}, "zhang"},
		{"REGEXP_EXTRACT", []tv{sv("(.*) (.*)"), sv("agavra"), iv(2)}, nil},
		{"REGEXP_EXTRACT_ALL", []tv{sv("test."), sv("some_test_string_testabab")}, strs("test_", "testa")},
		{"REGEXP_EXTRACT_ALL", []tv{sv("test."), sv("nothing")}, strs()},
		{"REGEXP_REPLACE", []tv{sv("baababaa"), sv("(ab)+"), sv("cat")}, "bacataa"},
		{"REGEXP_REPLACE", []tv{sv("baabbabaa"), sv("(ab)+"), sv("cat")}, "bacatbcataa"},
		{"REGEXP_REPLACE", []tv{sv("john smith"), sv("(\\w+) (\\w+)"), sv("$2x $1")}, "smithx john"},
		{"REGEXP_SPLIT_TO_ARRAY", []tv{sv("aabcda"), sv("(ab|cd)")}, strs("a", "", "a")},
		{"REGEXP_SPLIT_TO_ARRAY", []tv{sv("aabdcda"), sv("(ab|cd)")}, strs("a", "d", "a")},
		{"REGEXP_SPLIT_TO_ARRAY", []tv{sv("zxy"), sv("(ab|cd)")}, strs("zxy")},
	})
	r := Builtins()
	if _, _, err := callFn(t, r, nil, "REGEXP_EXTRACT", sv("a*+"), sv("aaa")); err == nil {
		t.Error("possessive quantifier accepted")
	}
}

func TestEncodeFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{"ENCODE", []tv{sv("Example!"), sv("ascii"), sv("hex")}, "4578616d706c6521"},
		{"ENCODE", []tv{sv("Ελλάδα"), sv("ascii"), sv("utf8")}, "??????"},
		{"ENCODE", []tv{sv("Example!"), sv("ascii"), sv("base64")}, "RXhhbXBsZSE="},
		{"ENCODE", []tv{sv("zpXOu867zqzOtM6x"), sv("base64"), sv("hex")}, "ce95cebbcebbceacceb4ceb1"},
		{"ENCODE", []tv{sv("zpXOu867zqzOtM6x"), sv("base64"), sv("utf8")}, "Ελλάδα"},
		{"ENCODE", []tv{sv("zpXOu867zqzOtM6x"), sv("base64"), sv("ascii")}, "\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd"},
		{"FROM_BYTES", []tv{byv([]byte{0x1a, 0xb2}), sv("hex")}, "1AB2"},
		{"FROM_BYTES", []tv{byv([]byte("!")), sv("base64")}, "IQ=="},
		{"TO_BYTES", []tv{sv("1aB2"), sv("hex")}, []byte{0x1a, 0xb2}},
		{"TO_BYTES", []tv{sv("hello"), sv("ascii")}, []byte("hello")},
		{"INT_FROM_BYTES", []tv{byv([]byte{0, 0, 7, 0xe5})}, int32(2021)},
		{"INT_FROM_BYTES", []tv{byv([]byte{0xe5, 7, 0, 0}), sv("LITTLE_ENDIAN")}, int32(2021)},
		{"BIGINT_FROM_BYTES", []tv{byv([]byte{0, 0, 0, 1, 0x2a, 0x05, 0xf2, 0})}, int64(5000000000)},
		{"DOUBLE_FROM_BYTES", []tv{byv([]byte{0x40, 0x80, 0xa6, 0xfd, 0x9b, 0xc9, 0xf5, 0x82})}, 532.8738323},
		{"URL_DECODE_PARAM", []tv{sv("%3Ffoo+%24bar")}, "?foo $bar"},
		{"URL_EXTRACT_FRAGMENT", []tv{sv("http://www.test.com/?query#fragment")}, "fragment"},
		{"URL_EXTRACT_FRAGMENT", []tv{sv("http://www.nofragment.com")}, nil},
		{"URL_EXTRACT_HOST", []tv{sv("http://test@confluent.io:8080")}, "confluent.io"},
		{"URL_EXTRACT_PARAMETER", []tv{sv("http://www.test.com/?one=a&two=url%20encoded"), sv("two")}, "url encoded"},
		{"URL_EXTRACT_PATH", []tv{sv("http://www.test.com?query#fragment")}, ""},
		{"URL_EXTRACT_PATH", []tv{sv("http://test@confluent.io:8080/nested/path?query&jobs")}, "/nested/path"},
		{"URL_EXTRACT_PORT", []tv{sv("http://test@confluent.io")}, nil},
		{"URL_EXTRACT_PORT", []tv{sv("http://test@confluent.io:8080/nested/path?query&jobs")}, int32(8080)},
		{"URL_EXTRACT_QUERY", []tv{sv("http://www.test.com/path?q1&q2")}, "q1&q2"},
		{"URL_EXTRACT_QUERY", []tv{sv("http://test@confluent.io:8080/path")}, nil},
	})
	r := Builtins()
	v, _, err := callFn(t, r, nil, "UUID")
	if err != nil || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(asStr(v)) {
		t.Errorf("UUID() = %v, %v", v, err)
	}
}

func TestSubstringLegacy(t *testing.T) {
	r := Builtins()
	props := map[string]string{"ksql.functions.substring.legacy.args": "true"}
	got, _, err := callFn(t, r, props, "SUBSTRING", sv("some_string"), iv(5), iv(8))
	if err != nil || got != "str" {
		t.Errorf("legacy SUBSTRING = %v, %v", got, err)
	}
	got, _, err = callFn(t, r, props, "SUBSTRING", sv("some_string"), iv(5))
	if err != nil || got != "string" {
		t.Errorf("legacy SUBSTRING = %v, %v", got, err)
	}
	if _, _, err = callFn(t, r, props, "SUBSTRING", sv("abc"), iv(5)); err == nil {
		t.Error("legacy SUBSTRING out of range: no error")
	}
}
