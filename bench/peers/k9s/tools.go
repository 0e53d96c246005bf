//go:build tools

// Package tools pins the k9s the benchmarks run beside podtui; it is never compiled.
package tools

import _ "github.com/derailed/k9s"
