package client

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// The client speaks HTTP only: it imports nothing of rql.
func TestDependencies(t *testing.T) { deptest.AllowOnly(t) }
