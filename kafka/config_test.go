package kafka

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "client.properties")
	if err := os.WriteFile(file, []byte("bootstrap.servers=file:9092\nsecurity.protocol=SASL_SSL\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		kind kind
		opts []Opt
		want map[string]any // subset of the resulting config
		err  rqlerr.Code
	}{
		{name: "defaults", kind: kindConsumer, opts: []Opt{BootstrapServers("a:1", "b:2")},
			want: map[string]any{"bootstrap.servers": "a:1,b:2", "fetch.queue.backoff.ms": "10",
				"enable.metrics.push": false, "client.id": "rql", "auto.offset.reset": "latest"}},
		{name: "no bootstrap", kind: kindAdmin, err: rqlerr.KafkaConfig},
		{name: "file then flag", kind: kindAdmin, opts: []Opt{PropertiesFile(file), BootstrapServers("flag:1")},
			want: map[string]any{"bootstrap.servers": "flag:1", "security.protocol": "SASL_SSL"}},
		{name: "flag then file", kind: kindAdmin, opts: []Opt{BootstrapServers("flag:1"), PropertiesFile(file)},
			want: map[string]any{"bootstrap.servers": "file:9092"}},
		{name: "missing file", kind: kindAdmin, opts: []Opt{BootstrapServers("a:1"), PropertiesFile(filepath.Join(dir, "nope"))},
			err: rqlerr.KafkaConfig},
		{name: "prefix for this kind", kind: kindProducer, opts: []Opt{BootstrapServers("a:1"),
			Property("producer.linger.ms", "7"), Property("consumer.fetch.min.bytes", "9")},
			want: map[string]any{"linger.ms": "7", "enable.idempotence": true}},
		{name: "prefix for another kind", kind: kindConsumer, opts: []Opt{BootstrapServers("a:1"),
			Property("producer.linger.ms", "7"), OffsetReset("Earliest")},
			want: map[string]any{"linger.ms": nil, "auto.offset.reset": "earliest"}},
		{name: "reserved", kind: kindConsumer, opts: []Opt{BootstrapServers("a:1"), Property("enable.auto.commit", "true")},
			err: rqlerr.KafkaConfig},
		{name: "reserved via prefix", kind: kindProducer, opts: []Opt{BootstrapServers("a:1"), Property("producer.transactional.id", "x")},
			err: rqlerr.KafkaConfig},
		{name: "bad poll", kind: kindConsumer, opts: []Opt{BootstrapServers("a:1"), MaxPollRecords(0)}, err: rqlerr.KafkaConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := newCfg(tc.opts).validate(tc.kind)
			if tc.err != "" {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if got := m[k]; !reflect.DeepEqual(got, v) && !(v == nil && got == nil) {
					t.Errorf("%s = %v, want %v", k, got, v)
				}
			}
		})
	}
}

func TestValidateSession(t *testing.T) {
	for _, tc := range []struct {
		opts []Opt
		ok   bool
	}{
		{[]Opt{Group("g"), Topics("t")}, true},
		{[]Opt{Topics("t")}, false},
		{[]Opt{Group("g")}, false},
		{[]Opt{Group("g"), Topics("t"), TransactionTimeout(0)}, false},
		{[]Opt{Group("g"), Topics("t"), TransactionTimeout(0), ProcessingGuarantee(AtLeastOnce)}, true},
	} {
		err := newCfg(tc.opts).validateSession()
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, rqlerr.KafkaConfig)) {
			t.Errorf("%d options: got %v, want ok=%v", len(tc.opts), err, tc.ok)
		}
	}
}

func TestParseGuarantee(t *testing.T) {
	for in, want := range map[string]Guarantee{"exactly_once_v2": ExactlyOnceV2, "EXACTLY_ONCE": ExactlyOnceV2, " at_least_once ": AtLeastOnce} {
		if g, err := ParseGuarantee(in); err != nil || g != want {
			t.Errorf("ParseGuarantee(%q) = %v, %v", in, g, err)
		}
	}
	if _, err := ParseGuarantee("twice"); !errors.Is(err, rqlerr.KafkaConfig) {
		t.Errorf("ParseGuarantee(twice) = %v", err)
	}
}

func TestParseProperties(t *testing.T) {
	text := `# comment
! also a comment

bootstrap.servers = b1:9092,b2:9092
sasl.mechanism:PLAIN
sasl.username alice
sasl.password=p\=ss\u0041
ssl.ca.location=/etc/ssl/\
    ca.pem
  client.id=  spaced
empty=
`
	got, err := parseProperties(text)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{"bootstrap.servers", "b1:9092,b2:9092"},
		{"sasl.mechanism", "PLAIN"},
		{"sasl.username", "alice"},
		{"sasl.password", "p=ssA"},
		{"ssl.ca.location", "/etc/ssl/ca.pem"},
		{"client.id", "spaced"},
		{"empty", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if _, err := parseProperties(`k=\u12`); !errors.Is(err, rqlerr.KafkaConfig) {
		t.Errorf("short \\u escape: %v", err)
	}
}
