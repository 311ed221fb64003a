// Command gen-measurement prints, one JSON array per line, what Go 1.19's
// vendored pprof measurement package returns for many inputs; run.sh builds
// it against that package. measurement.test.ts compares every line.
//
// Line kinds:
//
//	["scale", value, from, to, scaledBitsHex, unit, scaledLabel]
//	["percentage", value, total, result]
//	["common", [[type, unit]...], [type, unit] | null | "error: ..."]
//
// int64 values are written as decimal strings so JSON loses nothing.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"

	"github.com/google/pprof/internal/measurement"
	"github.com/google/pprof/profile"
)

var out = json.NewEncoder(os.Stdout)

func emit(v ...any) {
	out.SetEscapeHTML(false)
	if err := out.Encode(v); err != nil {
		panic(err)
	}
}

func scale(v int64, from, to string) {
	f, u := measurement.Scale(v, from, to)
	emit("scale", strconv.FormatInt(v, 10), from, to, fmt.Sprintf("%016x", math.Float64bits(f)), u, measurement.ScaledLabel(v, from, to))
}

func main() {
	fromUnits := []string{"", "count", "samples", "objects", "bytes", "B", "kb", "KB", "kilobytes", "MB", "megabyte", "gigabytes", "TB", "pb",
		"nanoseconds", "ns", "NS", "us", "μs", "microseconds", "ms", "milliseconds", "s", "sec", "seconds", "hours", "hour", "hr", "hrs",
		"nanogcu", "milligcu", "GCU", "kilogcu", "petagcus", "weird"}
	toUnits := []string{"auto", "minimum", "count", "sample", "unit", "", "B", "kB", "MB", "GB", "ns", "us", "ms", "s", "hrs", "hours", "gcu", "m*GCU", "weird"}
	values := []int64{0, 1, -1, 5, 999, 1000, 1001, 1023, 1024, 1025, 1029, 1030, 1536, 4999, 5000, 9995, 10000, 999999, 1000000,
		1048576, 999999999, 1000000000, 1500000000, 1005000000, 1004999999, 3599999999999, 3600000000000, 3600000000001,
		1 << 30, 1 << 40, 1 << 50, 1 << 53, 1 << 60, math.MaxInt64, math.MinInt64, -5000000000, 12345678, -1536}
	// Every unit pair on a few values.
	for _, from := range fromUnits {
		for _, to := range toUnits {
			for _, v := range []int64{1536, -2500000000} {
				scale(v, from, to)
			}
		}
	}
	// Every value in every source unit auto-scaled (what Label does), and in
	// the common units to fixed units.
	for _, from := range fromUnits {
		for _, v := range values {
			scale(v, from, "auto")
		}
	}
	for _, from := range []string{"nanoseconds", "bytes", "seconds", "count"} {
		for _, v := range values {
			scale(v, from, "ms")
			scale(v, from, "MB")
		}
	}
	// Seeded random values at every magnitude, in the units profiles use.
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 600; i++ {
		v := r.Int63n(1 << uint(1+r.Intn(62)))
		if r.Intn(5) == 0 {
			v = -v
		}
		from := []string{"nanoseconds", "bytes", "count", "microseconds", "seconds"}[i%5]
		to := []string{"minimum", "auto", "ms", "s", "MB", "kB"}[r.Intn(6)]
		scale(v, from, to)
	}

	pct := func(v, t int64) { emit("percentage", strconv.FormatInt(v, 10), strconv.FormatInt(t, 10), measurement.Percentage(v, t)) }
	for _, t := range []int64{1, 3, 7, 100, 1000, 12345, 1000000000, -1000, 0} {
		for _, p := range []float64{0, 1e-9, 1e-7, 1e-5, 1e-4, 0.005, 0.00999, 0.01, 0.0999, 0.1, 0.5, 0.9994, 0.9995, 0.99951, 0.9996, 1, 1.0004, 1.0005, 1.0006, 2, -0.5} {
			pct(int64(math.Round(float64(t)*p)), t)
		}
	}
	for v := int64(9990); v <= 10010; v++ {
		pct(v, 10000)
	}
	for v := int64(99940); v <= 100060; v += 3 {
		pct(v, 100000)
	}
	for i := 0; i < 600; i++ {
		t := r.Int63n(1<<uint(1+r.Intn(40))) + 1
		v := r.Int63n(t + t/2)
		if i%3 == 0 {
			v = r.Int63n(t/1000 + 1)
		}
		pct(v, t)
	}

	common := func(ts ...*profile.ValueType) {
		pairs := [][]string{}
		for _, t := range ts {
			pairs = append(pairs, []string{t.Type, t.Unit})
		}
		c, err := measurement.CommonValueType(ts)
		switch {
		case err != nil:
			emit("common", pairs, "error: "+err.Error())
		case c == nil:
			emit("common", pairs, nil)
		default:
			emit("common", pairs, []string{c.Type, c.Unit})
		}
	}
	vt := func(t, u string) *profile.ValueType { return &profile.ValueType{Type: t, Unit: u} }
	common(vt("cpu", "nanoseconds"))
	common(vt("cpu", "nanoseconds"), vt("cpu", "milliseconds"))
	common(vt("cpu", "seconds"), vt("cpu", "nanoseconds"), vt("cpu", "microseconds"))
	common(vt("samples", "count"), vt("sample", "count"))
	common(vt("alloc_space", "bytes"), vt("alloc_space", "kilobytes"))
	common(vt("alloc_space", "megabytes"), vt("alloc_space", "bytes"))
	common(vt("cpu", "nanoseconds"), vt("alloc_space", "bytes"))
	common(vt("cpu", "nanoseconds"), vt("cpu", "bytes"))
	common(vt("contentions", "count"), vt("contentions", "events"))
	common(vt("gcu", "gcu"), vt("gcu", "milligcu"))
}
