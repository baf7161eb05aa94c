package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// refusedFlag is a Podman run/create flag pod has no subsystem for yet. It
// is listed in --help so scripts get a clear refusal instead of "unknown
// flag"; a value that asks for what pod does anyway (ok) is accepted.
type refusedFlag struct {
	name, usage string
	slice       bool     // repeatable string flag
	boolean     bool     // boolean flag
	ok          []string // values pod honours as they are (its own behaviour)
	why         string   // what is missing
}

var refusedRunFlags = []refusedFlag{
	{name: "ip6", usage: "Specify a static IPv6 address for the container", why: "--ip6 is not supported yet; use --network NAME:ip6=ADDR on a network with an IPv6 subnet"},
	{name: "pod", usage: "Run container in an existing pod", why: "pods are not supported yet"},
	{name: "pod-id-file", usage: "Read the pod ID from the file", why: "pods are not supported yet"},
	{name: "restart", usage: "Restart policy to apply when a container exits (\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")", ok: []string{"", "no"}, why: "restart policies are not supported yet"},
	{name: "health-cmd", usage: "set a healthcheck command for the container ('none' disables the existing healthcheck)", ok: []string{"none"}, why: "healthchecks are not supported yet"},
	{name: "health-interval", usage: "set an interval for the healthchecks (a value of disable results in no automatic timer setup)", ok: []string{"30s", "disable"}, why: "healthchecks are not supported yet"},
	{name: "health-retries", usage: "the number of retries allowed before a healthcheck is considered to be unhealthy", ok: []string{"3"}, why: "healthchecks are not supported yet"},
	{name: "health-start-period", usage: "the initialization time needed for a container to bootstrap", ok: []string{"0s"}, why: "healthchecks are not supported yet"},
	{name: "health-timeout", usage: "the maximum time allowed to complete the healthcheck before an interval is considered failed", ok: []string{"30s"}, why: "healthchecks are not supported yet"},
	{name: "health-on-failure", usage: "action to take once the container turns unhealthy", ok: []string{"none"}, why: "healthchecks are not supported yet"},
	{name: "no-healthcheck", usage: "Disable healthchecks on container", boolean: true, ok: []string{"true", "false"}},
	{name: "userns", usage: "User namespace to use", ok: []string{"", "host"}, why: "user namespaces are not supported yet"},
	{name: "uidmap", usage: "UID map to use for the user namespace", slice: true, why: "user namespaces are not supported yet"},
	{name: "gidmap", usage: "GID map to use for the user namespace", slice: true, why: "user namespaces are not supported yet"},
	{name: "subuidname", usage: "Name of range listed in /etc/subuid for use in user namespace", why: "user namespaces are not supported yet"},
	{name: "subgidname", usage: "Name of range listed in /etc/subgid for use in user namespace", why: "user namespaces are not supported yet"},
	{name: "volumes-from", usage: "Mount volumes from the specified container(s)", slice: true, why: "named and anonymous volumes are not supported yet"},
}

// registerRefused adds the refused flags to fs.
func registerRefused(fs *pflag.FlagSet) {
	for _, r := range refusedRunFlags {
		switch {
		case r.boolean:
			fs.Bool(r.name, false, r.usage)
		case r.slice:
			fs.StringArray(r.name, nil, r.usage)
		default:
			fs.String(r.name, "", r.usage)
		}
	}
}

// checkRefused fails for a refused flag given with a value pod cannot honour.
func checkRefused(fs *pflag.FlagSet) error {
	for _, r := range refusedRunFlags {
		f := fs.Lookup(r.name)
		if f == nil || !f.Changed {
			continue
		}
		vals := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			vals = sv.GetSlice()
		}
		for _, v := range vals {
			if !containsString(r.ok, v) {
				return fmt.Errorf("--%s %s: %s: %w", r.name, v, r.why, errdefs.ErrNotImplemented)
			}
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
