package exec

import (
	"encoding/binary"
	"fmt"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Re-grouping a table on a partitioned runtime (Kafka Streams'
// KTable#groupBy). A GROUP BY of a table by other columns than its key is
// split at its repartition topic into two halves:
//
//   - GroupChangesNode, partitioned by the table's key, keeps the input
//     store (input key → group key and aggregate arguments of the row's
//     current version, the same table and encoding as the in-process
//     Aggregate's "-input" store) and turns every change of the table into
//     signed changes (Change), written to the repartition topic keyed by
//     their group key;
//   - ApplyChangesNode, partitioned by the group key, folds those changes
//     into the accumulators (no input store) and emits results exactly as
//     the in-process Aggregate does.
//
// A change of a row that stays in its group is one ChangeReplace (one
// result emitted, as the in-process replace); a row moving from group A to
// group B is a ChangeSubtract keyed by A then a ChangeAdd keyed by B; a
// tombstone only subtracts; a row whose group key is NULL (or fails to
// evaluate) is in no group. The in-process driver keeps running the plain
// Aggregate (processTableRow), which does both halves in one operator.

// ChangeKind says what a Change does to its group.
type ChangeKind byte

const (
	// ChangeAdd adds Args to the group.
	ChangeAdd ChangeKind = '+'
	// ChangeSubtract removes Args (a row's previous version) from the group.
	ChangeSubtract ChangeKind = '-'
	// ChangeReplace removes Old and adds Args in one update of the group
	// (the row changed but stayed in its group).
	ChangeReplace ChangeKind = '='
)

func (k ChangeKind) String() string {
	switch k {
	case ChangeAdd:
		return "add"
	case ChangeSubtract:
		return "subtract"
	case ChangeReplace:
		return "replace"
	}
	return fmt.Sprintf("ChangeKind(%d)", byte(k))
}

// changeVersion is the first byte of an encoded Change.
const changeVersion byte = 1

// Change is one signed change of a re-grouped table, as the records of the
// repartition topic carry it (see AppendChange for the encoding).
type Change struct {
	Kind ChangeKind
	// Group is the group key the change applies to.
	Group []sqltypes.Value
	// Args are the aggregate calls' arguments added (ChangeAdd,
	// ChangeReplace) or subtracted (ChangeSubtract), one slice per call.
	Args [][]sqltypes.Value
	// Old are the arguments ChangeReplace subtracts (nil otherwise).
	Old [][]sqltypes.Value
}

// AppendChange appends the encoding of c to dst. The repartition topic is
// internal, so the format is rql's own:
//
//	version (1 byte, 1) ‖ kind (1 byte: '+', '-' or '=')
//	‖ group key values
//	‖ uvarint n ‖ n argument lists          (Args)
//	‖ uvarint n ‖ n argument lists          (Old; ChangeReplace only)
//
// where every list of values is in the state codec (valcodec.go: a count
// then tagged values), the encoding of group keys in state stores. The
// record key is the group key alone in the same codec (EncodeKey), whose
// murmur2 chooses the partition, and the record carries the source
// record's timestamp, partition and offset as the runtime's repartition
// records do.
func AppendChange(dst []byte, c *Change) ([]byte, error) {
	switch c.Kind {
	case ChangeAdd, ChangeSubtract, ChangeReplace:
	default:
		return nil, rqlerr.Bug("group change of kind %q", byte(c.Kind))
	}
	dst = append(dst, changeVersion, byte(c.Kind))
	var err error
	if dst, err = appendValues(dst, c.Group); err != nil {
		return nil, err
	}
	lists := [][][]sqltypes.Value{c.Args}
	if c.Kind == ChangeReplace {
		lists = append(lists, c.Old)
	}
	for _, l := range lists {
		dst = binary.AppendUvarint(dst, uint64(len(l)))
		for _, vs := range l {
			if dst, err = appendValues(dst, vs); err != nil {
				return nil, err
			}
		}
	}
	return dst, nil
}

// DecodeChange reads what AppendChange wrote. Anything else (truncated,
// another version, trailing bytes) is an error with code RQL-STATE-CORRUPT;
// it never panics.
func DecodeChange(p []byte) (Change, error) {
	var c Change
	if len(p) < 2 || p[0] != changeVersion {
		return c, rqlerr.New(rqlerr.StateCorrupt, "group change: not a version %d change record", changeVersion)
	}
	c.Kind = ChangeKind(p[1])
	switch c.Kind {
	case ChangeAdd, ChangeSubtract, ChangeReplace:
	default:
		return c, rqlerr.New(rqlerr.StateCorrupt, "group change: unknown kind %q", p[1])
	}
	var err error
	rest := p[2:]
	if c.Group, rest, err = readValues(rest); err != nil {
		return c, err
	}
	readLists := func() ([][]sqltypes.Value, error) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)) {
			return nil, errCodec
		}
		rest = rest[k:]
		out := make([][]sqltypes.Value, n)
		for i := range out {
			if out[i], rest, err = readValues(rest); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if c.Args, err = readLists(); err != nil {
		return c, err
	}
	if c.Kind == ChangeReplace {
		if c.Old, err = readLists(); err != nil {
			return c, err
		}
	}
	if len(rest) != 0 {
		return c, rqlerr.New(rqlerr.StateCorrupt, "group change: %d trailing bytes", len(rest))
	}
	return c, nil
}

// changeSchema is the schema of a change topic's records: the group key
// (EncodeKey) as a KAFKA BYTES key, the Change as a KAFKA BYTES value.
var changeSchema = &sqltypes.Schema{Columns: []sqltypes.Column{
	{Name: "GROUP_KEY", Type: sqltypes.Bytes, NS: sqltypes.NSKey},
	{Name: "GROUP_CHANGE", Type: sqltypes.Bytes, NS: sqltypes.NSValue},
}}

// ChangeSource is the source of the repartition topic of a re-grouped
// table: records of changeSchema in the KAFKA format, written by a
// GroupChangesNode and read by the Scan under an ApplyChangesNode.
func ChangeSource(name, topic string, parts int) *planner.Source {
	return &planner.Source{Name: name, Kind: parser.KindStream, Topic: topic, Schema: changeSchema,
		KeyFormat: format.Kafka, ValueFormat: format.Kafka, Partitions: parts}
}

// ChangeScan is the scan of a change topic (src from ChangeSource): every
// record is an event to fold (append mode), keyed by the group key.
func ChangeScan(src *planner.Source) *planner.Scan {
	return &planner.Scan{Source: src, P: planner.Props{Mode: planner.Append, Key: []int{0}}}
}

// GroupChangesNode is the first half of a table re-grouping (see above):
// the aggregation whose Input is the table's pre-aggregate rows, turned
// into the operator emitting its signed changes (rows of changeSchema,
// for a sink into ChangeSource's topic). Only a distributed runtime builds
// it (exec/build: NewGroupChanges); planner plans never contain it.
type GroupChangesNode struct{ *planner.Aggregate }

// Schema is the change topic's schema.
func (n *GroupChangesNode) Schema() *sqltypes.Schema { return changeSchema }

// Props: append rows keyed by the group key.
func (n *GroupChangesNode) Props() *planner.Props {
	return &planner.Props{Mode: planner.Append, Key: []int{0}}
}

func (n *GroupChangesNode) String() string {
	return "group changes " + n.Aggregate.String()
}

// WithChildren keeps the node's kind.
func (n *GroupChangesNode) WithChildren(c ...planner.Node) (planner.Node, error) {
	nn, err := n.Aggregate.WithChildren(c...)
	if err != nil {
		return nil, err
	}
	return &GroupChangesNode{nn.(*planner.Aggregate)}, nil
}

// ApplyChangesNode is the second half of a table re-grouping: the
// aggregation whose Input is the ChangeScan of the repartition topic. Its
// schema and properties are the aggregation's.
type ApplyChangesNode struct{ *planner.Aggregate }

func (n *ApplyChangesNode) String() string {
	return "apply changes " + n.Aggregate.String()
}

// WithChildren keeps the node's kind.
func (n *ApplyChangesNode) WithChildren(c ...planner.Node) (planner.Node, error) {
	nn, err := n.Aggregate.WithChildren(c...)
	if err != nil {
		return nil, err
	}
	return &ApplyChangesNode{nn.(*planner.Aggregate)}, nil
}

// NewGroupChanges builds the operator of n: an Aggregate keeping the
// input store and emitting changes instead of results. n's input must be a
// table (upsert) and the aggregation unwindowed.
func NewGroupChanges(n *GroupChangesNode, props map[string]string) (*Aggregate, error) {
	a, err := NewAggregate(n.Aggregate, props)
	if err != nil {
		return nil, err
	}
	if !a.upsert {
		return nil, rqlerr.Bug("group changes of a non-table or windowed aggregation")
	}
	a.changesOut = true
	return a, nil
}

// NewApplyChanges builds the operator of n: an Aggregate folding the
// changes of its change-topic input (no input store).
func NewApplyChanges(n *ApplyChangesNode, props map[string]string) (*Aggregate, error) {
	if n.Window != nil {
		return nil, rqlerr.Bug("applying group changes to a windowed aggregation")
	}
	a, err := NewAggregate(n.Aggregate, props)
	if err != nil {
		return nil, err
	}
	a.upsert, a.changesIn = false, true
	return a, nil
}

// processChangeOut is processTableRow's first half: it updates the input
// store and emits the row's signed changes.
func (a *Aggregate) processChangeOut(r *Row) error {
	oldGK, oldArgs, gk, args, err := a.swapInput(r)
	if err != nil {
		return err
	}
	if oldGK != nil && gk != nil && sameValues(oldGK, gk) {
		return a.emitChange(&Change{Kind: ChangeReplace, Group: gk, Args: args, Old: oldArgs}, r)
	}
	if oldGK != nil {
		if err := a.emitChange(&Change{Kind: ChangeSubtract, Group: oldGK, Args: oldArgs}, r); err != nil {
			return err
		}
	}
	if gk != nil {
		return a.emitChange(&Change{Kind: ChangeAdd, Group: gk, Args: args}, r)
	}
	return nil
}

// emitChange appends c as a row of changeSchema, with r's time and source
// position.
func (a *Aggregate) emitChange(c *Change, r *Row) error {
	k, err := EncodeKey(nil, c.Group...)
	if err != nil {
		return err
	}
	v, err := AppendChange(nil, c)
	if err != nil {
		return err
	}
	a.out.Rows = append(a.out.Rows, Row{Vals: []sqltypes.Value{k, v}, Rowtime: r.Rowtime,
		Partition: r.Partition, Offset: r.Offset})
	return nil
}

// processChangeIn is processTableRow's second half: it folds one change
// read from the repartition topic. A record that is no change of this
// aggregation is logged and skipped.
func (a *Aggregate) processChangeIn(r *Row) error {
	if r.NullValue || len(r.Vals) < 2 {
		return nil
	}
	p, _ := r.Vals[1].([]byte)
	c, err := DecodeChange(p)
	if err == nil {
		err = a.checkChange(&c)
	}
	if err != nil {
		a.env.log(r, "Error reading a group change: "+err.Error())
		return nil
	}
	switch c.Kind {
	case ChangeAdd:
		return a.update(c.Group, c.Args, false, r)
	case ChangeSubtract:
		return a.update(c.Group, c.Args, true, r)
	}
	return a.replace(c.Group, c.Old, c.Args, r)
}

// checkChange verifies that c fits the aggregation: as many group values
// and argument lists (of the right lengths) as it has.
func (a *Aggregate) checkChange(c *Change) error {
	if len(c.Group) != len(a.groupBy) {
		return rqlerr.New(rqlerr.StateCorrupt, "group change has %d key values, the query groups by %d", len(c.Group), len(a.groupBy))
	}
	lists := [][][]sqltypes.Value{c.Args}
	if c.Kind == ChangeReplace {
		lists = append(lists, c.Old)
	}
	for _, l := range lists {
		if len(l) != len(a.args) {
			return rqlerr.New(rqlerr.StateCorrupt, "group change has arguments of %d calls, the query %d", len(l), len(a.args))
		}
		for i, vs := range l {
			if len(vs) != len(a.args[i]) {
				return rqlerr.New(rqlerr.StateCorrupt, "group change has %d arguments for %s, which takes %d",
					len(vs), a.n.Aggs[i].Text, len(a.args[i]))
			}
		}
	}
	return nil
}
