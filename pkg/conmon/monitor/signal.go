package monitor

import "syscall"

// The signals the monitor acts on: SIGCHLD reaps, the others are forwarded
// to the container (or to the runtime while it runs).
var handledSignals = [...]syscall.Signal{syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT}

// sigBit is sig's bit in the mask takeSignals returns.
func sigBit(sig syscall.Signal) uint32 { return 1 << uint(sig) }
