package exec

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// passedKeys remembers, in the state store, the keys of a table filter
// whose last row passed, so that a failing row retracts (tombstones) only
// a row that was emitted. A nil *passedKeys keeps no state: every failing
// table row is a tombstone.
type passedKeys struct {
	name  string
	keys  []int
	table string
	db    state.Store
	batch *state.Batch
	env   *Env
}

func (p *passedKeys) init(env *Env, owner any) error {
	if p == nil {
		return nil
	}
	if env == nil || env.State == nil {
		return rqlerr.Bug("table filter without a state store")
	}
	p.env, p.db = env, env.State
	p.table = StateName(env, p.name, owner)
	return nil
}

func (p *passedKeys) key(r *Row) []byte {
	vals := make([]sqltypes.Value, len(p.keys))
	for i, k := range p.keys {
		vals[i] = r.Vals[k]
	}
	k, err := appendValues(nil, vals)
	if err != nil {
		p.env.log(r, "Error encoding filter key: "+err.Error())
		return nil
	}
	return k
}

func (p *passedKeys) ensureBatch() {
	if p.batch == nil {
		p.batch = p.db.NewBatch()
	}
}

// remember records that r's key passed.
func (p *passedKeys) remember(r *Row) {
	if p == nil {
		return
	}
	if k := p.key(r); k != nil {
		p.ensureBatch()
		p.batch.Put(p.table, k, []byte{1})
	}
}

// forget reports whether r's key had passed (always true without state)
// and forgets it.
func (p *passedKeys) forget(r *Row) bool {
	if p == nil {
		return true
	}
	k := p.key(r)
	if k == nil {
		return false
	}
	p.ensureBatch()
	_, ok, err := p.db.GetThrough(p.batch, p.table, k, nil)
	if err != nil {
		p.env.log(r, "Error reading filter state: "+err.Error())
		return false
	}
	if ok {
		p.batch.Delete(p.table, k)
	}
	return ok
}

func (p *passedKeys) commit() error {
	if p == nil || p.batch == nil {
		return nil
	}
	err := p.db.Commit(p.batch, nil)
	p.batch = nil
	return err
}
