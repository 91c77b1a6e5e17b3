package planner

import "github.com/rql/rql/rqlerr"

// atPos positions err at pos when it is an *rqlerr.Error that has no
// position yet (checks on a whole schema, such as the formats' or INSERT
// INTO's, know no better place than their statement). It returns a copy:
// the message and code are unchanged. Other errors are returned as is.
func atPos(err error, pos rqlerr.Pos) error {
	e, ok := err.(*rqlerr.Error)
	if !ok || e.Pos.IsValid() || !pos.IsValid() {
		return err
	}
	c := *e
	c.Pos = pos
	return &c
}
