//go:build !linux || !seccomp

package specgen

// seccompBuilt: this binary was built without the seccomp tag; containers get
// no seccomp filter and naming a profile is an error.
const seccompBuilt = false
