//go:build tools

// Package tools pins the stern the benchmarks run beside podtui; it is never compiled.
package tools

import _ "github.com/stern/stern"
