package rqlerr

import (
	"errors"
	"fmt"
)

// Pos is a position in the user's original SQL text. Offset is a byte
// offset; Line and Col are 1-based (Col counts bytes). The zero Pos means
// "no position".
type Pos struct {
	Offset, Line, Col int
}

// IsValid reports whether p names a position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Code is a stable error code (e.g. "RQL-P0001"): documented in docs/errors.md,
// never reused for another meaning.
type Code string

// Error implements error so that errors.Is(err, CodeX) matches an *Error
// carrying that code.
func (c Code) Error() string { return string(c) }

// Domain says whose fault an error is.
type Domain uint8

const (
	// User errors: the statement or the data is wrong; retrying will not help.
	User Domain = iota
	// External errors: a broker, an HTTP endpoint, the disk; may be retried.
	External
	// Internal errors: a bug in rql (code BUG).
	Internal
)

// Error is a user-facing error.
type Error struct {
	Code   Code
	Msg    string
	Pos    Pos    // position in the statement text, if known
	Hint   string // optional advice printed after the message
	Domain Domain
	Err    error // wrapped cause, may be nil
}

// Error prints "line L, column C: msg" when a position is known, else msg.
// The code is not part of Error(); callers that print for people add it
// (the REPL prints "RQL-P0001: line 1, column 8: ...").
func (e *Error) Error() string {
	msg := e.Msg
	if e.Err != nil && msg == "" {
		msg = e.Err.Error()
	}
	if e.Pos.IsValid() {
		return fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Col, msg)
	}
	return msg
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Code.
func (e *Error) Is(target error) bool {
	if c, ok := target.(Code); ok {
		return c == e.Code
	}
	return false
}

// New returns a user error with the given code and formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// At returns a user error positioned at pos.
func At(code Code, pos Pos, format string, args ...any) *Error {
	return &Error{Code: code, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns a user error with the given code wrapping err; msg prefixes
// err's message ("msg: err").
func Wrap(code Code, err error, format string, args ...any) *Error {
	m := fmt.Sprintf(format, args...)
	if m != "" {
		m += ": "
	}
	return &Error{Code: code, Msg: m + err.Error(), Err: err}
}

// Bug returns an internal error: an invariant of rql was broken.
func Bug(format string, args ...any) *Error {
	return &Error{Code: BUG, Domain: Internal, Msg: "[BUG] " + fmt.Sprintf(format, args...)}
}

// PosOf returns the position of the first *Error in err's chain, if any.
func PosOf(err error) (Pos, bool) {
	var e *Error
	if errors.As(err, &e) && e.Pos.IsValid() {
		return e.Pos, true
	}
	return Pos{}, false
}

// CodeOf returns the code of the first *Error in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
