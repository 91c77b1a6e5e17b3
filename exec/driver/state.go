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
func (d *Driver) store() (state.Store, error) {
	if d.db != nil {
		return d.db, nil
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
	d.db, d.stateDir = db, dir
	return db, nil
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
		d.db = nil
	}
	if d.stateDir != "" {
		if rerr := os.RemoveAll(d.stateDir); rerr != nil && err == nil {
			err = rerr
		}
		d.stateDir = ""
	}
	return err
}
