// Package build turns a planner.QueryPlan into a wired exec.Pipeline. It
// sits above exec (and, later, exec's specialised subpackages) so that exec
// never imports them.
package build
