package kafka

import (
	"context"
	"errors"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Kafka errors are classified once, here, into rqlerr codes that callers
// match with errors.Is (franz's IsRetryableBrokerErr; librdkafka's
// IsFatal / TxnRequiresAbort / IsRetriable):
//
//	rqlerr.KafkaFatal        the client is unusable: close it and build a new one
//	rqlerr.KafkaTxnAbort     the transaction must be (and, from End, was) aborted
//	rqlerr.KafkaRetriable    transient: retrying the same call may succeed
//	rqlerr.KafkaTopicExists  CreateTopics of an existing topic
//	rqlerr.KafkaTopicMissing the topic or partition does not exist
//	rqlerr.KafkaRequest      any other broker refusal (not retriable)
//
// The *kafka.Error from confluent-kafka-go stays wrapped as the cause.
// Context errors pass through unchanged so errors.Is(err, context.Canceled)
// holds.

// classify wraps err (from confluent-kafka-go) as an *rqlerr.Error; what
// names the operation ("create topic t").
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var re *rqlerr.Error
	if errors.As(err, &re) {
		return err
	}
	e := rqlerr.Wrap(codeOf(err), err, "%s", what)
	e.Domain = rqlerr.External
	return e
}

// codeOf picks the code of a confluent-kafka-go error.
func codeOf(err error) rqlerr.Code {
	var ke ck.Error
	if !errors.As(err, &ke) {
		return rqlerr.KafkaRequest
	}
	switch {
	case ke.IsFatal():
		return rqlerr.KafkaFatal
	case ke.TxnRequiresAbort():
		return rqlerr.KafkaTxnAbort
	}
	switch ke.Code() {
	case ck.ErrTopicAlreadyExists:
		return rqlerr.KafkaTopicExists
	case ck.ErrUnknownTopicOrPart, ck.ErrUnknownTopic, ck.ErrUnknownPartition, ck.ErrUnknownTopicID:
		return rqlerr.KafkaTopicMissing
	case ck.ErrProducerFenced, ck.ErrInvalidProducerEpoch, ck.ErrFenced,
		ck.ErrTransactionalIDAuthorizationFailed, ck.ErrClusterAuthorizationFailed:
		return rqlerr.KafkaFatal
	case ck.ErrTimedOut, ck.ErrTimedOutQueue, ck.ErrRequestTimedOut, ck.ErrTransport,
		ck.ErrAllBrokersDown, ck.ErrQueueFull, ck.ErrNotCoordinator, ck.ErrCoordinatorNotAvailable,
		ck.ErrCoordinatorLoadInProgress, ck.ErrNotLeaderForPartition, ck.ErrLeaderNotAvailable,
		ck.ErrConcurrentTransactions, ck.ErrNetworkException:
		return rqlerr.KafkaRetriable
	}
	if ke.IsRetriable() || ke.IsTimeout() {
		return rqlerr.KafkaRetriable
	}
	return rqlerr.KafkaRequest
}

// retriable reports whether err (from confluent-kafka-go) may succeed when
// the same call is made again.
func retriable(err error) bool {
	var ke ck.Error
	return errors.As(err, &ke) && !ke.IsFatal() && !ke.TxnRequiresAbort() &&
		(ke.IsRetriable() || ke.IsTimeout())
}
