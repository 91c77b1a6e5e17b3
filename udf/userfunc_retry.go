package udf

import (
	"context"
	"errors"
	"time"

	"github.com/rql/rql/rqlerr"
)

// RetryableError is the cause wrapped by an external call's error when
// trying again may succeed: HTTP 429 / 502 / 503 / 504, a connection error,
// a call timeout. The *rqlerr.Error around it has code UserFuncUnavailable
// and the External domain.
type RetryableError struct {
	// Status is the HTTP status, 0 for a transport error or timeout.
	Status int
	// RetryAfter is the delay the server asked for (Retry-After), 0 if none.
	RetryAfter time.Duration
	// Err is the underlying error, if any.
	Err error
}

func (e *RetryableError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "retryable"
}

func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable classifies an error returned by a function call: retry says
// whether another attempt may succeed, after the minimum delay the server
// asked for (0 when it did not say). Errors are retryable when they wrap a
// *RetryableError, are a context deadline (a call timeout), or are not
// *rqlerr.Error of the User domain: an arbitrary error from a Go function
// is assumed transient, while a mapping error, a 4xx status or a user
// error is not. context.Canceled is never retryable (the query stops).
func Retryable(err error) (retry bool, after time.Duration) {
	if err == nil || errors.Is(err, context.Canceled) {
		return false, 0
	}
	var re *RetryableError
	if errors.As(err, &re) {
		return true, re.RetryAfter
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true, 0
	}
	var e *rqlerr.Error
	if errors.As(err, &e) {
		if e.Code == rqlerr.UserFuncCall {
			return e.Err != nil && !isUserDomain(e.Err), 0
		}
		return e.Domain == rqlerr.External, 0
	}
	return true, 0
}

func isUserDomain(err error) bool {
	var e *rqlerr.Error
	return errors.As(err, &e) && e.Domain == rqlerr.User
}

// unavailable builds the retryable error of an external call.
func unavailable(msg string, status int, after time.Duration, cause error) *rqlerr.Error {
	return &rqlerr.Error{Code: rqlerr.UserFuncUnavailable, Domain: rqlerr.External, Msg: msg,
		Err: &RetryableError{Status: status, RetryAfter: after, Err: cause}}
}
