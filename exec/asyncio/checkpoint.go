package asyncio

import "sort"

// CommitOffsets returns, for every partition that has received input, the
// offset a transaction may commit (the next offset to consume after a
// restart) given the results emitted so far: the lowest offset with a row
// not yet emitted, or one past the highest offset submitted when every row
// has been emitted. In Ordered mode nothing above it has been emitted; in
// KeyOrdered and Unordered modes some rows above it may have been, see
// Checkpoint.
func (o *Operator) CommitOffsets() map[int32]int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[int32]int64, len(o.parts))
	for p, ps := range o.parts {
		out[p] = ps.commit()
	}
	return out
}

func (ps *partState) commit() int64 {
	if len(ps.pending) > 0 {
		return ps.pending[0].in.Offset
	}
	return ps.high + 1
}

// PartitionCheckpoint is what a transaction records about one partition
// besides its outputs.
type PartitionCheckpoint struct {
	Partition int32
	// Commit is the offset to commit (CommitOffsets).
	Commit int64
	// Done lists, in increasing order, the offsets at or above Commit
	// whose rows have all been emitted already (KeyOrdered and Unordered
	// modes only). Persisted with the commit and given to Restore after a
	// restart, they are skipped when consumed again, so that no result is
	// emitted twice.
	Done []int64
	// InFlight are the inputs not yet emitted, in submission order: the
	// carry-over state for a runtime that commits the consumed position
	// and re-submits these after a restart instead (Flink's strategy).
	InFlight []*Input
}

// Checkpoint describes every partition for the transaction about to
// commit (see PartitionCheckpoint), sorted by partition. The inputs are
// shared with the operator and must not be modified.
func (o *Operator) Checkpoint() []PartitionCheckpoint {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]PartitionCheckpoint, 0, len(o.parts))
	for p, ps := range o.parts {
		cp := PartitionCheckpoint{Partition: p, Commit: ps.commit()}
		// Per offset: did every row get emitted?
		for i := 0; i < len(ps.pending); {
			off, all := ps.pending[i].in.Offset, true
			j := i
			for ; j < len(ps.pending) && ps.pending[j].in.Offset == off; j++ {
				if !ps.pending[j].emitted {
					all = false
					cp.InFlight = append(cp.InFlight, ps.pending[j].in)
				}
			}
			if all && !o.skip[p][off] {
				cp.Done = append(cp.Done, off)
			}
			i = j
		}
		// Offsets skipped since a restart, or not reached yet, stay done
		// until the commit passes them.
		for off := range o.skip[p] {
			if off < cp.Commit {
				delete(o.skip[p], off)
			} else {
				cp.Done = append(cp.Done, off)
			}
		}
		sort.Slice(cp.Done, func(i, j int) bool { return cp.Done[i] < cp.Done[j] })
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Partition < out[j].Partition })
	return out
}

// Restore installs the Done offsets of the checkpoints committed before a
// restart: Submit then skips inputs at those offsets (their results were
// produced in a committed transaction). Later Checkpoints keep reporting
// them as Done until the commit offset passes them. Call it before the
// first Submit.
func (o *Operator) Restore(cps []PartitionCheckpoint) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, cp := range cps {
		if len(cp.Done) == 0 {
			continue
		}
		if o.skip == nil {
			o.skip = map[int32]map[int64]bool{}
		}
		m := map[int64]bool{}
		for _, off := range cp.Done {
			m[off] = true
		}
		o.skip[cp.Partition] = m
	}
}

// skipped reports whether in was emitted before a restart (o.mu held).
func (o *Operator) skipped(in *Input) bool {
	if !o.skip[in.Partition][in.Offset] {
		return false
	}
	ps := o.parts[in.Partition]
	if ps == nil {
		ps = &partState{high: -1}
		o.parts[in.Partition] = ps
	}
	ps.high = max(ps.high, in.Offset)
	return true
}
