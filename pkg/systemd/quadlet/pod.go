package quadlet

import (
	"path/filepath"
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
	r := newReader(f, ".pod", "Pod")
	err := r.read(func(e *Entry) error {
		if e.Key == "PodName" {
			if e.Value == "" {
				return r.errAt(*e, "empty value")
			}
			return nil
		}
		k, ok := podKeys[e.Key]
		if !ok {
			return r.errAt(*e, "unknown key in [Pod] (see podman-systemd.unit(5))")
		}
		return r.rule(k, e, o.objects)
	})
	if err != nil {
		return nil, err
	}
	r.singles(podKeys)
	pod := append([]string{o.Pod}, r.globalArgs...)
	idFile := "--pod-id-file=%t/%N.pod-id"
	create := append(append([]string{}, pod...), "pod", "create", "--infra-conmon-pidfile=%t/%N.pid", idFile, "--exit-policy=stop", "--replace")
	create = append(create, r.flags...)
	create = append(create, r.podmanArgs...)
	create = append(create, "--name="+podName(f))
	start := append(append([]string{}, pod...), "pod", "start", idFile)
	stop := append(append([]string{}, pod...), "pod", "stop", idFile, "--ignore", "--time=10")
	rm := append(append([]string{}, pod...), "pod", "rm", idFile, "--ignore", "--force")

	var wants []*unit.UnitOption
	for _, m := range members {
		wants = append(wants, unit.NewUnitOption("Unit", "Wants", m), unit.NewUnitOption("Unit", "Before", m))
	}
	out := append(r.head(wants...),
		unit.NewUnitOption("Service", "Environment", "PODMAN_SYSTEMD_UNIT=%n"),
		unit.NewUnitOption("Service", "Type", "forking"),
		unit.NewUnitOption("Service", "PIDFile", "%t/%N.pid"),
		unit.NewUnitOption("Service", "Restart", "on-failure"),
		unit.NewUnitOption("Service", "SyslogIdentifier", "%N"),
	)
	out = append(out, r.serviceOpts...)
	out = append(out,
		unit.NewUnitOption("Service", "ExecStartPre", joinWords(create)),
		unit.NewUnitOption("Service", "ExecStart", joinWords(start)),
		unit.NewUnitOption("Service", "ExecStop", joinWords(stop)),
		unit.NewUnitOption("Service", "ExecStopPost", joinWords(rm)),
	)
	out = append(out, r.installOpts...)
	return r.unit(podService(f.Path), out)
}
