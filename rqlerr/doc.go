// Package rqlerr owns rql's user-facing error type: a stable searchable
// code, a message, an optional position in the user's SQL text, and the
// wrapped cause. Every error a user can see is an *Error; match them with
// errors.Is against a Code (codes compare by value), never by message text.
package rqlerr
