// Command gen writes the reference outputs of Go's strconv.FormatFloat and
// fmt.Sprintf that src/measurement/format-go.test.ts compares against.
//
// Run from the repository root with Go 1.19 (the toolchain whose pprof we
// reproduce):
//
//	go run ./src/measurement/testdata/gen/main.go
//
// It writes src/measurement/testdata/format-float-edge.tsv (hand-picked edge
// values), format-float-random.tsv (seeded random doubles) and sprintf.json.
// Values are identified by their float64 bits (hex), so nothing is lost in
// transit. The outputs are committed; rerun only on purpose.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

type format struct {
	fmt  byte
	prec int
}

func (f format) String() string { return fmt.Sprintf("%c%d", f.fmt, f.prec) }

var edgeFormats = []format{
	{'f', -1}, {'f', 0}, {'f', 1}, {'f', 2}, {'f', 3},
	{'e', -1}, {'e', 0}, {'e', 2}, {'e', 6}, {'e', 20}, // e20: more than 18 digits takes Go's bigFtoa path
	{'g', -1}, {'g', 0}, {'g', 1}, {'g', 2}, {'g', 3}, {'g', 6}, {'g', 17}, {'g', 20},
}

var randomFormats = []format{
	{'f', 2}, {'f', 1}, {'g', 2}, {'g', -1}, {'e', -1}, {'e', 3}, {'g', 6}, {'e', 17},
}

func parse(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func edgeValues() []float64 {
	var vs []float64
	add := func(v ...float64) { vs = append(vs, v...) }
	add(0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1))
	add(math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308, 2.225073858507201e-308)
	add(0.125, 0.375, 0.625, 0.875, 1.125, 2.5, 0.5, 1.5, 3.5, 2.675, 1.005, 1.015, 1.025, 0.005, 0.015, 0.025, 0.045)
	add(9.995, 9.9995, 99.95, 99.949999999, 99.995, 0.9995, 0.99995, 999.5, 9999.5, 0.95, 0.995, 1.0/3, 2.0/3)
	// Exact binary ties at the second and third decimal place: n/8, n/16, n/32.
	for n := 1; n < 64; n += 2 {
		add(float64(n)/8, float64(n)/16, float64(n)/32, float64(n)/2)
	}
	// Decimal "ties" x.xx5 (usually not exact in binary) in many magnitudes.
	for _, m := range []string{"0.0005", "0.0015", "0.0025", "0.0035", "0.0045", "0.0055", "0.0065", "0.0075", "0.0085", "0.0095", "1.005", "1.115", "2.345", "4.445", "8.675", "9.995", "1.25", "1.35", "1.45", "1.55", "5.55", "0.45", "7.5"} {
		for p := -20; p <= 20; p += 3 {
			add(parse(fmt.Sprintf("%se%d", m, p)))
		}
	}
	// Powers of ten and their neighbours.
	for p := -25; p <= 25; p++ {
		v := parse(fmt.Sprintf("1e%d", p))
		add(v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1)))
		w := parse(fmt.Sprintf("9.5e%d", p))
		add(w, math.Nextafter(w, 0), math.Nextafter(w, math.Inf(1)))
	}
	// Powers of two (asymmetric rounding interval for shortest).
	for p := -1074; p <= 1023; p += 71 {
		add(math.Ldexp(1, p))
	}
	// The percentage band 99.95..100.05.
	for i := 0; i <= 100; i++ {
		add(99.95 + float64(i)*0.001)
	}
	// Tiny and huge values.
	for p := 5; p <= 20; p++ {
		add(parse(fmt.Sprintf("1e-%d", p)), parse(fmt.Sprintf("1.23456789e-%d", p)), parse(fmt.Sprintf("5e-%d", p)))
	}
	for p := 15; p <= 300; p += 45 {
		add(parse(fmt.Sprintf("1e%d", p)), parse(fmt.Sprintf("1.2345e%d", p)))
	}
	add(1<<53, 1<<53+2, 1<<63, 123456789012345678, 4.35, 0.1, 0.2, 0.3, 1e23, 5e-324, 1.7976931348623157e308)
	n := len(vs)
	for i := 0; i < n; i += 2 { // half of them negated: the sign is handled apart from the digits
		if !math.IsNaN(vs[i]) && vs[i] != 0 && !math.IsInf(vs[i], 0) {
			add(-vs[i])
		}
	}
	return vs
}

func randomValues() []float64 {
	r := rand.New(rand.NewSource(20190219))
	var vs []float64
	for len(vs) < 2000 {
		var v float64
		switch len(vs) % 5 {
		case 0: // any 53-bit mantissa; every 10th such value any exponent, else within 2^±70
			v = math.Float64frombits(r.Uint64())
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if len(vs)%50 != 0 {
				v = math.Ldexp(float64(r.Int63n(1<<53)|1<<52), r.Intn(140)-70-52)
			}
		case 1: // a short decimal in a moderate range, often near a tie
			v = parse(fmt.Sprintf("%de%d", r.Int63n(100000), r.Intn(30)-20))
		case 2: // an exact binary fraction with few bits: ties for %f
			v = math.Ldexp(float64(r.Int63n(1<<20)), -r.Intn(24))
		case 3: // percentages
			v = r.Float64() * 200
		case 4: // sample values scaled by a unit factor, as pprof does
			v = float64(r.Int63n(1<<40)) / []float64{1e3, 1e6, 1e9, 1 << 10, 1 << 20, 1 << 30, 3.6e12}[r.Intn(7)]
		}
		if r.Intn(4) == 0 {
			v = -v
		}
		vs = append(vs, v)
	}
	return vs
}

func writeTable(path string, formats []format, values []float64) {
	var b strings.Builder
	b.WriteString("bits")
	for _, f := range formats {
		b.WriteString("\t" + f.String())
	}
	b.WriteString("\n")
	for _, v := range values {
		fmt.Fprintf(&b, "%016x", math.Float64bits(v))
		for _, f := range formats {
			b.WriteString("\t" + strconv.FormatFloat(v, f.fmt, f.prec, 64))
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
}

// arg is one typed Go argument as the TS test receives it: t is int, int64,
// float64, string, bool or nil; v is the value (float64 as bits, int64 as a
// decimal string).
type arg struct {
	T string `json:"t"`
	V any    `json:"v,omitempty"`
}

type sprintfCase struct {
	Format string `json:"format"`
	Args   []arg  `json:"args"`
	Want   string `json:"want"`
}

func encode(a any) arg {
	switch x := a.(type) {
	case int:
		return arg{"int", x}
	case int64:
		return arg{"int64", strconv.FormatInt(x, 10)}
	case float64:
		return arg{"float64", fmt.Sprintf("%016x", math.Float64bits(x))}
	case string:
		return arg{"string", x}
	case bool:
		return arg{"bool", x}
	case nil:
		return arg{"nil", nil}
	}
	panic(fmt.Sprintf("unsupported %T", a))
}

func sprintfCases() []sprintfCase {
	var cs []sprintfCase
	add := func(format string, args ...any) {
		c := sprintfCase{Format: format, Want: fmt.Sprintf(format, args...), Args: []arg{}}
		for _, a := range args {
			c.Args = append(c.Args, encode(a))
		}
		cs = append(cs, c)
	}
	intFlags := []string{"", "-", "0", "+", " ", "#", "+0", "08", "-8", "8.3", ".0", "+08", "#08", " 08", "-08", "016"}
	ints := []any{0, -1, 7, -255, 123456789, int64(math.MaxInt64), int64(math.MinInt64), int64(1<<53 + 1)}
	for _, verb := range []string{"d", "x", "X", "o", "b", "v"} {
		for _, fl := range intFlags {
			for _, v := range ints {
				add("%"+fl+verb, v)
			}
		}
	}
	strFlags := []string{"", "-", "0", "10", "-10", "010", ".2", "5.1", "-5.1", ".0", "2"}
	for _, verb := range []string{"s", "v"} {
		for _, fl := range strFlags {
			for _, v := range []any{"", "ab", "héllo", "日本語", "a\tb"} {
				add("%"+fl+verb, v)
			}
		}
	}
	floatFlags := []string{"", "5.2", "-10.3", "010.2", "+.2", " .2", "+010.3", ".0", "-8", "08", ".1", ".3", "+"}
	floats := []any{0.0, math.Copysign(0, -1), -1.5, 0.125, 0.0089, 0.00001234, 99.96, math.NaN(), math.Inf(1), math.Inf(-1), 123456789.123, 1e21, -2.675, 3.0}
	for _, verb := range []string{"f", "F", "e", "E", "g", "G", "v"} {
		for _, fl := range floatFlags {
			for _, v := range floats {
				if verb == "v" && v.(float64) == math.Trunc(v.(float64)) {
					continue // an integral JS number under %v is a Go int by design
				}
				add("%"+fl+verb, v)
			}
		}
	}
	for _, fl := range []string{"", "-", "6", "-6", "06"} {
		add("%"+fl+"t", true)
		add("%"+fl+"v", false)
	}
	// pprof's own format strings with realistic arguments.
	add("%.2f", 1.105)
	add("%5.2f%%", 12.345)
	add("%5.2g%%", 0.089)
	add("%5.2g%%", 0.0000123)
	add("%5.2g%%", 0.0)
	add("%10s %10s (flat, cum) %s of Total\n", "1.20s", "3s", "  100%")
	add("%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum")
	add("N%d -> N%d [%s]\n", 1, 22, "label=\"x\"")
	add("Showing nodes accounting for %s, %s of %s total", "1.50s", "93.75%", "1.60s")
	add("Dropped %d %s (%s <= %s)", 12, "nodes", "0.01s", "0.08s")
	add("Showing top %d nodes out of %d", 80, 123)
	add("#%02x%02x%02x", 255, 0, 7)
	add("%016x", int64(0x7fffdeadbeef))
	add("%#x", 0)
	add("%+d", -5)
	add("%s:\t Total %.1f%s\n", "cpu", 2.25, "s")
	add(" \t%.1f%s:\t %s\n", 0.05, "ms", "x")
	add("%50s %s |   %s%s\n", "a", "b", "c", "d")
	add("%-40s;%s", "main.main", "x")
	add("%10s %10s %10x: %s\n", "1s", "2s", 0x4567, "inst")
	add("%v\n", "text")
	add("* * %d\n", 3)
	// Misuse, as Go prints it.
	add("%d %d", 1)
	add("%d", 1, 2)
	add("%d", 1, "x", 2.5, nil)
	add("%s", 3)
	add("%d", "x")
	add("%d", 1.5)
	add("%f", "x")
	add("%s", true)
	add("%v", nil)
	add("%d", nil)
	add("100%%")
	add("%5%")
	add("%")
	add("%5")
	add("%-5.")
	add("%.s", "abc")
	add("%5.d", 0)
	add("%.0d", 0)
	return cs
}

func main() {
	dir := filepath.Join("src", "report", "testdata")
	writeTable(filepath.Join(dir, "format-float-edge.tsv"), edgeFormats, edgeValues())
	writeTable(filepath.Join(dir, "format-float-random.tsv"), randomFormats, randomValues())
	cs := sprintfCases()
	var b strings.Builder
	b.WriteString("[\n")
	for i, c := range cs {
		line, err := json.Marshal(c)
		if err != nil {
			panic(err)
		}
		b.Write(line)
		if i < len(cs)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	if err := os.WriteFile(filepath.Join(dir, "sprintf.json"), []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %d sprintf cases\n", len(cs))
}
