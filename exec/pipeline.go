package exec

import (
	"context"
)

// Pipeline is one query's operators, wired: records pushed into an input
// flow through the chain to the sink (or to the transient collector).
type Pipeline struct {
	QueryID string
	Inputs  []*Input
	// Ops are every operator of the pipeline, for Init / Close.
	Ops []Operator
	Env *Env
}

// Input is where records of one topic enter a pipeline.
type Input struct {
	Topic  string
	Source *Source
	Next   Collector
}

// Init initializes every operator.
func (p *Pipeline) Init(ctx context.Context) error {
	for _, op := range p.Ops {
		if err := op.Init(ctx, p.Env); err != nil {
			return err
		}
	}
	return nil
}

// Push feeds records of topic into the pipeline's inputs reading it.
func (p *Pipeline) Push(ctx context.Context, topic string, recs []Record) error {
	for _, in := range p.Inputs {
		if in.Topic == topic {
			if err := in.Source.Ingest(ctx, recs, in.Next); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close closes every operator.
func (p *Pipeline) Close(ctx context.Context) error {
	var first error
	for _, op := range p.Ops {
		if err := op.Close(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}
