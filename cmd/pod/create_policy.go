package main

import (
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
)

// healthFlagNames are the flags healthcheck.Flags.Set records.
var healthFlagNames = []string{"health-cmd", "health-interval", "health-retries", "health-start-period", "health-timeout", "health-on-failure"}

// registerPolicyFlags adds --restart and the healthcheck flags (Podman's
// names, defaults and help).
func (f *createFlags) registerPolicyFlags(fs *pflag.FlagSet) {
	o := &f.o
	h := &o.Health
	fs.StringVar(&o.Restart, "restart", "", "Restart policy to apply when a container exits (\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")")
	fs.StringVar(&h.Cmd, "health-cmd", "", "set a healthcheck command for the container ('none' disables the existing healthcheck)")
	fs.StringVar(&h.Interval, "health-interval", "30s", "set an interval for the healthchecks (a value of disable results in no automatic timer setup)")
	fs.UintVar(&h.Retries, "health-retries", 3, "the number of retries allowed before a healthcheck is considered to be unhealthy")
	fs.StringVar(&h.StartPeriod, "health-start-period", "0s", "the initialization time needed for a container to bootstrap")
	fs.StringVar(&h.Timeout, "health-timeout", "30s", "the maximum time allowed to complete the healthcheck before an interval is considered failed")
	fs.StringVar(&h.OnFailure, "health-on-failure", "none", "action to take once the container turns unhealthy")
	fs.BoolVar(&h.Disable, "no-healthcheck", false, "Disable healthchecks on container")
}

// policyOptions records which healthcheck flags were given.
func policyOptions(fs *pflag.FlagSet, o *libpod.CreateOptions) {
	o.Health.Set = map[string]bool{}
	for _, n := range healthFlagNames {
		if fl := fs.Lookup(n); fl != nil && fl.Changed {
			o.Health.Set[n] = true
		}
	}
}
