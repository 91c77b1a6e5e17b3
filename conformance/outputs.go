package conformance

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rql/rql/exec/driver"
)

// compareOutputs checks every topic that has expected records: the same
// number of records, in order, with equal keys, values, timestamps (when
// expected) windows and headers (when expected). Topics without expected
// records are not checked. It returns "" or the first difference.
func compareOutputs(c *Case, eng Engine) string {
	var topics []string
	byTopic := map[string][]*Record{}
	for i := range c.Outputs {
		r := &c.Outputs[i]
		if _, ok := byTopic[r.Topic]; !ok {
			topics = append(topics, r.Topic)
		}
		byTopic[r.Topic] = append(byTopic[r.Topic], r)
	}
	cs := newCodecs(eng)
	for _, topic := range topics {
		exp := byTopic[topic]
		act := eng.Records(topic)
		kc, vc := cs.forTopic(topic)
		if reason := compareTopic(topic, exp, act, kc, vc); reason != "" {
			return reason
		}
	}
	return ""
}

func compareTopic(topic string, exp []*Record, act []driver.Record, kc, vc *codec) string {
	n := min(len(exp), len(act))
	for i := 0; i < n; i++ {
		if d := compareRecord(exp[i], &act[i], kc, vc); d != "" {
			return fmt.Sprintf("topic %s: record %d of %d (got %d): %s | expected %s | actual %s",
				topic, i+1, len(exp), len(act), d, showRecord(exp[i]), showActual(&act[i], kc, vc))
		}
	}
	switch {
	case len(act) < len(exp):
		return fmt.Sprintf("topic %s: expected %d records, got %d; first missing: %s", topic, len(exp), len(act), showRecord(exp[n]))
	case len(act) > len(exp):
		return fmt.Sprintf("topic %s: expected %d records, got %d; first extra: %s", topic, len(exp), len(act), showActual(&act[n], kc, vc))
	}
	return ""
}

// compareRecord compares one expected record with an actual one.
func compareRecord(exp *Record, act *driver.Record, kc, vc *codec) string {
	ak, err := kc.decode(act.Key)
	if err != nil {
		return "cannot read actual key: " + err.Error()
	}
	if d := kc.compare(exp.Key, ak); d != "" {
		return d
	}
	av, err := vc.decode(act.Value)
	if err != nil {
		return "cannot read actual value: " + err.Error()
	}
	if d := vc.compare(exp.Value, av); d != "" {
		return d
	}
	if exp.Timestamp != nil {
		ts, err := parseMillis(*exp.Timestamp)
		if err != nil {
			return err.Error()
		}
		if ts != act.Timestamp {
			return fmt.Sprintf("timestamp: expected %d, got %d", ts, act.Timestamp)
		}
	}
	if exp.Window != nil {
		w := act.Window
		if w == nil {
			return fmt.Sprintf("window: expected %s, got none", showWindow(exp.Window))
		}
		if w.Start != exp.Window.Start || w.End != exp.Window.End || !strings.EqualFold(w.Type, exp.Window.Type) {
			return fmt.Sprintf("window: expected %s, got %s", showWindow(exp.Window), showWindow(actualWindow(w)))
		}
	}
	if exp.Headers != nil {
		if d := compareHeaders(exp.Headers, act.Headers); d != "" {
			return d
		}
	}
	return ""
}

func compareHeaders(exp []Header, act []driver.Header) string {
	ah := actualHeaders(act)
	if len(exp) != len(ah) {
		return fmt.Sprintf("headers: expected %s, got %s", show(exp), show(ah))
	}
	for i := range exp {
		e, a := exp[i], ah[i]
		if e.Key != a.Key || (e.Value == nil) != (a.Value == nil) || (e.Value != nil && *e.Value != *a.Value) {
			return fmt.Sprintf("headers: expected %s, got %s", show(exp), show(ah))
		}
	}
	return ""
}

// actualRecord converts an actual record to the test-file form for
// display, decoding its key and value with the codecs of the topic's
// source (see codec.display).
func actualRecord(r *driver.Record, kc, vc *codec) Record {
	out := Record{Topic: r.Topic, Key: kc.display(r.Key), Value: vc.display(r.Value)}
	ts := json.Number(fmt.Sprint(r.Timestamp))
	out.Timestamp = &ts
	if r.Window != nil {
		out.Window = actualWindow(r.Window)
	}
	if len(r.Headers) > 0 {
		out.Headers = actualHeaders(r.Headers)
	}
	return out
}

func actualWindow(w *driver.Window) *Window {
	return &Window{Start: w.Start, End: w.End, Type: strings.ToLower(w.Type)}
}

func actualHeaders(hs []driver.Header) []Header {
	out := make([]Header, 0, len(hs))
	for _, h := range hs {
		oh := Header{Key: h.Key}
		if h.Value != nil {
			s := base64.StdEncoding.EncodeToString(h.Value)
			oh.Value = &s
		}
		out = append(out, oh)
	}
	return out
}

func showActual(r *driver.Record, kc, vc *codec) string {
	rec := actualRecord(r, kc, vc)
	return showRecord(&rec)
}

// showRecord prints a record as one JSON line: topic, key, value,
// timestamp and, when set, window and headers.
func showRecord(r *Record) string {
	b, err := MarshalRecord(r)
	if err != nil {
		return fmt.Sprintf("%+v", *r)
	}
	return string(b)
}

func showWindow(w *Window) string { return show(w) }

// MarshalRecord prints r as a JSON object in the field order of test files
// (topic, key, value, timestamp, window, headers); window and headers are
// left out when unset.
func MarshalRecord(r *Record) ([]byte, error) {
	type full struct {
		Topic     string       `json:"topic"`
		Key       any          `json:"key"`
		Value     any          `json:"value"`
		Timestamp *json.Number `json:"timestamp"`
		Window    *Window      `json:"window,omitempty"`
		Headers   []Header     `json:"headers,omitempty"`
	}
	return json.Marshal(full{r.Topic, r.Key, r.Value, r.Timestamp, r.Window, r.Headers})
}

// TopicRecords returns the records of topic in offset order, decoded for
// display with the formats of the topic's source (raw JSON without one).
func TopicRecords(eng Engine, topic string) []Record {
	kc, vc := newCodecs(eng).forTopic(topic)
	var out []Record
	for _, r := range eng.Records(topic) {
		out = append(out, actualRecord(&r, kc, vc))
	}
	return out
}
