package quadlet

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// .pod files (podman-systemd.unit(5) of Podman 5): NAME-pod.service
// creates the pod in ExecStartPre (`pod pod create --replace
// --pod-id-file=%t/%N.pod-id --infra-conmon-pidfile=%t/%N.pid
// --exit-policy=stop`), starts it in ExecStart (Type=forking, the infra's
// monitor is the main process through PIDFile=) and stops and removes it
// after. A .container with Pod=NAME.pod joins it (--pod-id-file) and is
// bound to the pod's service, which wants it in turn.

var podKeys = map[string]keyRule{
	"Network":      {flag: "--network", kind: each},
	"NetworkAlias": {flag: "--network-alias", kind: each},
	"PublishPort":  {flag: "--publish", kind: each},
	"Volume":       {flag: "--volume", kind: each},
	"AddHost":      {flag: "--add-host", kind: each},
	"DNS":          {flag: "--dns", kind: each},
	"DNSSearch":    {flag: "--dns-search", kind: each},
	"DNSOption":    {flag: "--dns-option", kind: each},
	"IP":           {flag: "--ip", kind: single},
	"UserNS":       {flag: "--userns", kind: single},
	"UIDMap":       {flag: "--uidmap", kind: each},
	"GIDMap":       {flag: "--gidmap", kind: each},
	"SubUIDMap":    {flag: "--subuidname", kind: single},
	"SubGIDMap":    {flag: "--subgidname", kind: single},
	"Label":        {flag: "--label", kind: words},
}

// podService is the service of a .pod file: NAME-pod.service.
func podService(file string) string {
	return strings.TrimSuffix(filepath.Base(file), ".pod") + "-pod.service"
}

// podName is the pod a .pod file makes: PodName=, else systemd-NAME.
func podName(f *File) string {
	name := "systemd-" + strings.TrimSuffix(filepath.Base(f.Path), ".pod")
	for _, e := range f.Entries {
		if e.Section == "Pod" && e.Key == "PodName" && e.Value != "" {
			name = e.Value
		}
	}
	return name
}

// Pod converts a parsed .pod file into its service; members are the
// services of the .container files that join it.
func Pod(f *File, o Options, members []string) (*Unit, error) {
	errAt := func(e Entry, format string, a ...any) error {
		return &Error{File: f.Path, Line: e.Line, Key: e.Key, Msg: fmt.Sprintf(format, a...)}
	}
	var (
		flags, podmanArgs, globalArgs []string
		unitOpts, serviceOpts, inst   []*unit.UnitOption
		deps                          []string
	)
	last := map[string]string{}
	var lastOrder []string
	for i := range f.Entries {
		e := &f.Entries[i]
		switch e.Section {
		case "Unit":
			unitOpts = append(unitOpts, unit.NewUnitOption("Unit", e.Key, e.Value))
			continue
		case "Service":
			serviceOpts = append(serviceOpts, unit.NewUnitOption("Service", e.Key, e.Value))
			continue
		case "Install":
			inst = append(inst, unit.NewUnitOption("Install", e.Key, e.Value))
			continue
		case "Pod":
		default:
			if strings.HasPrefix(e.Section, "X-") {
				continue
			}
			return nil, errAt(*e, "unknown section [%s] in a .pod file (want [Unit], [Pod], [Service], [Install])", e.Section)
		}
		switch e.Key {
		case "PodName":
			if e.Value == "" {
				return nil, errAt(*e, "empty value")
			}
			continue
		case "PodmanArgs", "GlobalArgs":
			w, err := SplitWords(e.Value)
			if err != nil {
				return nil, errAt(*e, "%v", err)
			}
			if e.Key == "PodmanArgs" {
				podmanArgs = append(podmanArgs, w...)
			} else {
				globalArgs = append(globalArgs, w...)
			}
			continue
		}
		k, ok := podKeys[e.Key]
		if !ok {
			return nil, errAt(*e, "unknown key in [Pod] (see podman-systemd.unit(5))")
		}
		if e.Key == "Volume" || e.Key == "Network" {
			v, dep, err := o.objects.resolve(e.Value)
			if err != nil {
				return nil, errAt(*e, "%v", err)
			}
			if dep != "" {
				e = &Entry{Section: e.Section, Key: e.Key, Value: v, Line: e.Line}
				deps = append(deps, dep)
			}
		}
		args, err := ruleArgs(k, e, last, &lastOrder)
		if err != nil {
			return nil, errAt(*e, "%v", err)
		}
		flags = append(flags, args...)
	}
	if !slices.Contains(f.Sections, "Pod") {
		return nil, &Error{File: f.Path, Msg: "no [Pod] section"}
	}
	for _, key := range lastOrder {
		k := podKeys[key]
		flags = append(flags, k.flag, k.arg+last[key])
	}
	pod := append([]string{o.Pod}, globalArgs...)
	idFile := "--pod-id-file=%t/%N.pod-id"
	create := append(append([]string{}, pod...), "pod", "create", "--infra-conmon-pidfile=%t/%N.pid", idFile, "--exit-policy=stop", "--replace")
	create = append(create, flags...)
	create = append(create, podmanArgs...)
	create = append(create, "--name="+podName(f))
	start := append(append([]string{}, pod...), "pod", "start", idFile)
	stop := append(append([]string{}, pod...), "pod", "stop", idFile, "--ignore", "--time=10")
	rm := append(append([]string{}, pod...), "pod", "rm", idFile, "--ignore", "--force")

	out := []*unit.UnitOption{unit.NewUnitOption("Unit", "SourcePath", f.Path), unit.NewUnitOption("Unit", "RequiresMountsFor", "%t/containers")}
	for _, d := range deps {
		out = append(out, unit.NewUnitOption("Unit", "Requires", d), unit.NewUnitOption("Unit", "After", d))
	}
	for _, m := range members {
		out = append(out, unit.NewUnitOption("Unit", "Wants", m), unit.NewUnitOption("Unit", "Before", m))
	}
	out = append(out, unitOpts...)
	out = append(out,
		unit.NewUnitOption("Service", "Environment", "PODMAN_SYSTEMD_UNIT=%n"),
		unit.NewUnitOption("Service", "Type", "forking"),
		unit.NewUnitOption("Service", "PIDFile", "%t/%N.pid"),
		unit.NewUnitOption("Service", "Restart", "on-failure"),
		unit.NewUnitOption("Service", "SyslogIdentifier", "%N"),
	)
	out = append(out, serviceOpts...)
	out = append(out,
		unit.NewUnitOption("Service", "ExecStartPre", joinWords(create)),
		unit.NewUnitOption("Service", "ExecStart", joinWords(start)),
		unit.NewUnitOption("Service", "ExecStop", joinWords(stop)),
		unit.NewUnitOption("Service", "ExecStopPost", joinWords(rm)),
	)
	out = append(out, inst...)
	content, err := io.ReadAll(unit.Serialize(out))
	if err != nil {
		return nil, err
	}
	u := &Unit{Name: podService(f.Path), Source: f.Path, Content: "# Automatically generated by pod-quadlet\n" + string(content)}
	if err := u.install(f); err != nil {
		return nil, err
	}
	return u, nil
}
