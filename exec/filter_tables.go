package exec

import "github.com/rql/rql/state"

// Tables declares the state table of a table filter's passed keys (none
// for a stateless filter), so that the runtime gives it a changelog.
func (o *Filter) Tables() []state.TableSpec {
	if o.passed == nil {
		return nil
	}
	return []state.TableSpec{{Name: StateName(o.passed.env, o.passed.name, o), Kind: state.KeyValue}}
}
