package specgen

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ResolveUser resolves an exec's --user (user[:group], names looked up in
// the container's rootfs) into the process user.
func ResolveUser(rootfs, spec string) (specs.User, error) {
	user, group, err := parseUserSpec("--user", spec)
	if err != nil {
		return specs.User{}, err
	}
	eu, err := resolveUser(rootfs, "--user", spec, user, group, nil)
	if err != nil {
		return specs.User{}, err
	}
	return specs.User{UID: eu.UID, GID: eu.GID, AdditionalGids: eu.AdditionalGids}, nil
}

// ParseSignal parses a signal name ("TERM", "SIGTERM", "RTMIN+3") or number.
func ParseSignal(s string) (int, error) { return parseSignal(s) }

// Command returns the argv a container will run (entrypoint + cmd, without
// --init), as ps and inspect show it.
func Command(o *Options, img *Image) ([]string, error) {
	ep, set, err := parseEntrypoint(o.Entrypoint)
	if err != nil {
		return nil, err
	}
	return combineCommand(ep, set, o.Command, img), nil
}
