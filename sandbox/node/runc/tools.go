//go:build tools

// Package tools pins the commands the sandbox builds for its real node; it is never compiled.
package tools

import (
	_ "github.com/opencontainers/runc"
)
