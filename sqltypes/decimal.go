package sqltypes

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

var bigTen = big.NewInt(10)

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// ParseDecimal parses "12", "-1.50", "1e3", "1.5E-2"; the scale is the one
// written (1.50 has scale 2; 1e3 has scale 0 and value 1000).
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		if _, err := fmt.Sscan(s[i+1:], &exp); err != nil {
			return Decimal{}, fmt.Errorf("invalid decimal %q", s)
		}
	}
	scale := int64(0)
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = int64(len(mant) - i - 1)
		mant = mant[:i] + mant[i+1:]
	}
	if mant == "" || mant == "-" || mant == "+" {
		return Decimal{}, fmt.Errorf("invalid decimal %q", s)
	}
	u, ok := new(big.Int).SetString(mant, 10)
	if !ok {
		return Decimal{}, fmt.Errorf("invalid decimal %q", s)
	}
	scale -= exp
	if scale < 0 {
		u.Mul(u, pow10(int32(-scale)))
		scale = 0
	}
	return Decimal{Unscaled: u, Scale: int32(scale)}, nil
}

// DecimalFromFloat returns f rounded HALF_UP to scale digits after the point.
func DecimalFromFloat(f float64, scale int32) (Decimal, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, fmt.Errorf("cannot convert %v to DECIMAL", f)
	}
	d, err := ParseDecimal(fmt.Sprintf("%.*f", int(scale)+3, f))
	if err != nil {
		return Decimal{}, err
	}
	return d.Rescale(scale), nil
}

// String prints the decimal in plain notation with exactly Scale digits
// after the point: "1.50", "-0.01", "12".
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "0"
	}
	neg := d.Unscaled.Sign() < 0
	digits := new(big.Int).Abs(d.Unscaled).String()
	if d.Scale > 0 {
		if len(digits) <= int(d.Scale) {
			digits = strings.Repeat("0", int(d.Scale)-len(digits)+1) + digits
		}
		p := len(digits) - int(d.Scale)
		digits = digits[:p] + "." + digits[p:]
	} else if d.Scale < 0 {
		digits += strings.Repeat("0", int(-d.Scale))
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// Precision is the number of significant digits of the unscaled value
// (at least 1), as Java's BigDecimal.precision().
func (d Decimal) Precision() int {
	if d.Unscaled == nil || d.Unscaled.Sign() == 0 {
		return 1
	}
	return len(new(big.Int).Abs(d.Unscaled).String())
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	if d.Unscaled == nil {
		return 0
	}
	return d.Unscaled.Sign()
}

// Rescale returns d with the given scale, rounding HALF_UP when digits are
// dropped.
func (d Decimal) Rescale(scale int32) Decimal {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	switch {
	case scale == d.Scale:
		return Decimal{Unscaled: u, Scale: scale}
	case scale > d.Scale:
		return Decimal{Unscaled: new(big.Int).Mul(u, pow10(scale-d.Scale)), Scale: scale}
	}
	div := pow10(d.Scale - scale)
	q, r := new(big.Int).QuoRem(u, div, new(big.Int))
	// HALF_UP: round away from zero when |r| >= div/2.
	r2 := new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2))
	if r2.Cmp(div) >= 0 {
		if u.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Decimal{Unscaled: q, Scale: scale}
}

// Float64 returns the nearest float64.
func (d Decimal) Float64() float64 {
	f, _ := new(big.Float).SetPrec(200).Quo(new(big.Float).SetInt(d.unscaled()), new(big.Float).SetInt(pow10(d.Scale))).Float64()
	if d.Scale < 0 {
		f, _ = new(big.Float).Mul(new(big.Float).SetInt(d.unscaled()), new(big.Float).SetInt(pow10(-d.Scale))).Float64()
	}
	return f
}

func (d Decimal) unscaled() *big.Int {
	if d.Unscaled == nil {
		return new(big.Int)
	}
	return d.Unscaled
}

func align(a, b Decimal) (*big.Int, *big.Int, int32) {
	if a.Scale == b.Scale {
		return a.unscaled(), b.unscaled(), a.Scale
	}
	if a.Scale > b.Scale {
		return a.unscaled(), b.Rescale(a.Scale).Unscaled, a.Scale
	}
	return a.Rescale(b.Scale).Unscaled, b.unscaled(), b.Scale
}

// Cmp compares numerically (1.0 and 1.00 are equal): -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	x, y, _ := align(d, e)
	return x.Cmp(y)
}

// Add returns d + e exactly, with scale max(d.Scale, e.Scale).
func (d Decimal) Add(e Decimal) Decimal {
	x, y, s := align(d, e)
	return Decimal{Unscaled: new(big.Int).Add(x, y), Scale: s}
}

// Sub returns d - e exactly, with scale max(d.Scale, e.Scale).
func (d Decimal) Sub(e Decimal) Decimal {
	x, y, s := align(d, e)
	return Decimal{Unscaled: new(big.Int).Sub(x, y), Scale: s}
}

// Mul returns d × e exactly, with scale d.Scale + e.Scale.
func (d Decimal) Mul(e Decimal) Decimal {
	return Decimal{Unscaled: new(big.Int).Mul(d.unscaled(), e.unscaled()), Scale: d.Scale + e.Scale}
}

// Neg returns -d.
func (d Decimal) Neg() Decimal {
	return Decimal{Unscaled: new(big.Int).Neg(d.unscaled()), Scale: d.Scale}
}

// ErrDivideByZero is returned by Div and Rem when the divisor is zero.
var ErrDivideByZero = fmt.Errorf("division by zero")

// Div returns d / e rounded HALF_UP to the given scale.
func (d Decimal) Div(e Decimal, scale int32) (Decimal, error) {
	if e.Sign() == 0 {
		return Decimal{}, ErrDivideByZero
	}
	// d/e = (du/10^ds) / (eu/10^es); compute at scale+1 extra digit then round.
	extra := scale + 1
	// numerator scaled so that the quotient has `extra` digits after the point.
	shift := int64(extra) - int64(d.Scale) + int64(e.Scale)
	num := new(big.Int).Set(d.unscaled())
	den := new(big.Int).Set(e.unscaled())
	if shift >= 0 {
		num.Mul(num, pow10(int32(shift)))
	} else {
		den.Mul(den, pow10(int32(-shift)))
	}
	q := new(big.Int).Quo(num, den)
	return Decimal{Unscaled: q, Scale: extra}.Rescale(scale), nil
}

// Rem returns the remainder of d / e (sign of d), with scale max of both.
func (d Decimal) Rem(e Decimal) (Decimal, error) {
	if e.Sign() == 0 {
		return Decimal{}, ErrDivideByZero
	}
	x, y, s := align(d, e)
	return Decimal{Unscaled: new(big.Int).Rem(x, y), Scale: s}, nil
}

// FitsIn reports whether d, rescaled to scale, has at most precision digits.
func (d Decimal) FitsIn(precision, scale int) bool {
	r := d.Rescale(int32(scale))
	return r.Sign() == 0 || r.Precision() <= precision
}
