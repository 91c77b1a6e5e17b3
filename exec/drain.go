package exec

import "context"

// Drainer is an operator that holds rows in flight between Process calls
// (the asynchronous enrichment): Drain waits until it holds none, emitting
// their results downstream.
type Drainer interface {
	Drain(ctx context.Context) error
}

// Drain drains every Drainer of the pipeline, upstream operators first, so
// that afterwards every record pushed so far has been fully processed.
// The in-process driver calls it after each record, which makes its
// output deterministic.
func (p *Pipeline) Drain(ctx context.Context) error {
	// Ops are listed from the sink up: drain from the end.
	for i := len(p.Ops) - 1; i >= 0; i-- {
		if d, ok := p.Ops[i].(Drainer); ok {
			if err := d.Drain(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
