package probe

import (
	"fmt"
	"testing"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"
)

type v struct{ depth int }

func (x *v) Enter(n ast.Node) (ast.Node, bool) {
	off := -1
	if e, ok := n.(ast.ExprNode); ok {
		off = e.OriginTextPosition()
	}
	fmt.Printf("%*s%T off=%d\n", x.depth*2, "", n, off)
	if vv, ok := n.(ast.ValueExpr); ok {
		fmt.Printf("%*s  val=%#v\n", x.depth*2, "", vv.GetValue())
	}
	if f, ok := n.(*ast.FuncCallExpr); ok {
		fmt.Printf("%*s  fn=%q\n", x.depth*2, "", f.FnName.O)
	}
	if f, ok := n.(*ast.SelectField); ok {
		fmt.Printf("%*s  as=%q off=%d\n", x.depth*2, "", f.AsName.O, f.Offset)
	}
	x.depth++
	return n, false
}
func (x *v) Leave(n ast.Node) (ast.Node, bool) { x.depth--; return n, true }

func TestProbe(t *testing.T) {
	p := parser.New()
	p.SetSQLMode(mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes)
	for _, s := range []string{
		"SELECT -5, - 2147483648, 1.50, 1.5E2, 'it''s', TRUE, NULL, `A` + `B` * 3 AS `X`",
		"SELECT `A` REGEXP `B`, `A` <=> `B`, `COUNT`(), `$C`(`X`, 'y') `Z`, *, `T`.*",
		"SELECT CASE WHEN `A` THEN 1 ELSE 2 END, `A` NOT IN (1,2), `A` BETWEEN 1 AND 2, `A` LIKE 'x' ESCAPE '!', `A` IS NOT NULL, NOT `A`, `T`.`A`, (`A`), 9223372036854775808",
		"SELECT `A` FROM",
		"SELECT 'a' 'b', `A`",
	} {
		stmts, _, err := p.ParseSQL(s)
		fmt.Println(s, err)
		if err == nil {
			stmts[0].Accept(&v{})
		}
	}
}
