//go:build linux && seccomp

package specgen

// seccompBuilt: this binary can convert seccomp profiles (built with the
// seccomp tag, against libseccomp).
const seccompBuilt = true
