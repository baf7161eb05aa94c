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
	{name: "uidmap", usage: "UID map to use for the user namespace", slice: true, why: "user namespaces are not supported yet"},
	{name: "gidmap", usage: "GID map to use for the user namespace", slice: true, why: "user namespaces are not supported yet"},
	{name: "subuidname", usage: "Name of range listed in /etc/subuid for use in user namespace", why: "user namespaces are not supported yet"},
	{name: "subgidname", usage: "Name of range listed in /etc/subgid for use in user namespace", why: "user namespaces are not supported yet"},
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
