//go:build tools

// Package tools pins the metrics-server the sandbox builds; it is never compiled.
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
