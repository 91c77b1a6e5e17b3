package kafka

import (
	"context"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// DeleteGroups deletes consumer groups and their committed offsets, so
// that a later group of the same name starts without them. A group that
// does not exist is not an error; a group with members fails (the
// broker's NON_EMPTY_GROUP: a member that just left may take a moment to
// be gone, the caller may retry).
func (a *Admin) DeleteGroups(ctx context.Context, groups ...string) error {
	if len(groups) == 0 {
		return nil
	}
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.DeleteConsumerGroups(ctx, groups)
	if err != nil {
		return classify(err, "deleting consumer groups")
	}
	for _, r := range res.ConsumerGroupResults {
		switch r.Error.Code() {
		case ck.ErrNoError, ck.ErrGroupIDNotFound:
		default:
			return classify(r.Error, "deleting consumer group "+r.Group)
		}
	}
	return nil
}
