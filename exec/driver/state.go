package driver

import (
	"context"
	"os"
	"strconv"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/state"
)

// store returns the driver's state store, opening it on first use: one
// RocksDB database in a temporary directory per Driver, removed by Close.
// Operators see it through a state.Txn, as in the Kafka runtime: their
// writes stage in its pending batch, applied to RocksDB after each record
// has gone through every query (commitState).
func (d *Driver) store() (state.Store, error) {
	if d.txn != nil {
		return d.txn, nil
	}
	dir, err := os.MkdirTemp("", "rql-driver-state-")
	if err != nil {
		return nil, rqlerr.New(rqlerr.StateIO, "cannot create the driver's state directory: %v", err)
	}
	db, err := state.Open(dir, state.Options{DisableWAL: true})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	d.db, d.stateDir, d.txn = db, dir, state.NewTxn(db)
	return d.txn, nil
}

// commitState applies the staged state writes (the driver's "transaction"
// ends with each produced record, once its cascade has run).
func (d *Driver) commitState() error {
	if d.txn == nil || d.depth > 0 || d.txn.Len() == 0 {
		return nil
	}
	return d.txn.Apply(nil)
}

// storeFor returns the state store when q has stateful operators, else nil
// (stateless queries never open the database).
func (d *Driver) storeFor(q *planner.QueryPlan) (state.Store, error) {
	if !needsState(q.Root) {
		return nil, nil
	}
	return d.store()
}

func needsState(n planner.Node) bool {
	switch x := n.(type) {
	case *planner.Aggregate, *planner.Join, *planner.Materialize:
		return true
	case *planner.Filter:
		if x.PassedStore != "" {
			return true
		}
	}
	for _, c := range n.Children() {
		if needsState(c) {
			return true
		}
	}
	return false
}

// nextTransientID names a transient query's operators (and state tables).
func (d *Driver) nextTransientID() string {
	d.transients++
	return "transient_" + strconv.Itoa(d.transients)
}

// Close stops every query and removes the driver's state store. The driver
// must not be used afterwards. Calling Close twice is fine.
func (d *Driver) Close() error {
	for _, q := range d.queries {
		_ = q.pipe.Close(context.Background())
	}
	d.queries = nil
	var err error
	if d.db != nil {
		err = d.db.Close()
		d.db, d.txn = nil, nil
	}
	if d.stateDir != "" {
		if rerr := os.RemoveAll(d.stateDir); rerr != nil && err == nil {
			err = rerr
		}
		d.stateDir = ""
	}
	return err
}
