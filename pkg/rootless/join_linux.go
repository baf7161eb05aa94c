//go:build linux && cgo

package rootless

// #cgo CFLAGS: -Wall
import "C"
