package sqltypes

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// sqltypes is the leaf: it imports nothing of rql.
func TestDependencies(t *testing.T) { deptest.AllowOnly(t) }
