package planner

// QuerySeq returns the number the next persistent query id will end in
// (see NextQueryID).
func (c *Catalog) QuerySeq() int { return c.seq }

// SetQuerySeq sets the number the next persistent query id will end in.
// The server uses it when it replays its command topic, so that a replayed
// CREATE ... AS SELECT gets the id (and so the consumer group and committed
// offsets) it had when it first ran, whatever statements failed in between.
func (c *Catalog) SetQuerySeq(n int) { c.seq = n }
