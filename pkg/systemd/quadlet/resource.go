package quadlet

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// .volume and .network files (podman-systemd.unit(5)): each becomes a
// oneshot service, NAME-volume.service or NAME-network.service, that
// creates the object with `pod volume create --ignore` / `pod network
// create --ignore` (name: VolumeName= / NetworkName=, else systemd-NAME).
// A .container's Volume=NAME.volume:/path or Network=NAME.network refers to
// it: the container service then uses the object's name and requires and
// follows the object's service.

// resource is one kind of object file.
type resource struct {
	ext, section, verb, nameKey string
	keys                        map[string]keyRule
}

var volumeResource = resource{ext: ".volume", section: "Volume", verb: "volume", nameKey: "VolumeName", keys: map[string]keyRule{
	"Driver":  {flag: "--driver", kind: single},
	"Label":   {flag: "--label", kind: words},
	"Device":  {flag: "--opt", kind: single, arg: "device="},
	"Type":    {flag: "--opt", kind: single, arg: "type="},
	"Options": {flag: "--opt", kind: single, arg: "o="},
	"User":    {flag: "--opt", kind: single, arg: "uid="},
	"Group":   {flag: "--opt", kind: single, arg: "gid="},
	"Copy":    {flag: "--opt", kind: boolean, arg: "copy"},
}}

var networkResource = resource{ext: ".network", section: "Network", verb: "network", nameKey: "NetworkName", keys: map[string]keyRule{
	"Driver":     {flag: "--driver", kind: single},
	"Label":      {flag: "--label", kind: words},
	"Subnet":     {flag: "--subnet", kind: each},
	"Gateway":    {flag: "--gateway", kind: each},
	"IPRange":    {flag: "--ip-range", kind: each},
	"IPv6":       {flag: "--ipv6", kind: boolean},
	"Internal":   {flag: "--internal", kind: boolean},
	"DisableDNS": {flag: "--disable-dns", kind: boolean},
	"DNS":        {flag: "--dns", kind: each},
	"Options":    {flag: "--opt", kind: each},
}}

func resourceFor(path string) *resource {
	for _, r := range []*resource{&volumeResource, &networkResource} {
		if strings.HasSuffix(path, r.ext) {
			return r
		}
	}
	return nil
}

// serviceName is the service of an object file: NAME-volume.service.
func (r *resource) serviceName(file string) string {
	return strings.TrimSuffix(filepath.Base(file), r.ext) + "-" + r.verb + ".service"
}

// objectName is the name of the object a file makes: NameKey=, else
// systemd-NAME (Podman's default).
func (r *resource) objectName(f *File) string {
	name := "systemd-" + strings.TrimSuffix(filepath.Base(f.Path), r.ext)
	for _, e := range f.Entries {
		if e.Section == r.section && e.Key == r.nameKey && e.Value != "" {
			name = e.Value
		}
	}
	return name
}

// Resource converts a parsed .volume or .network file into its service.
func Resource(f *File, o Options) (*Unit, error) {
	res := resourceFor(f.Path)
	if res == nil {
		return nil, &Error{File: f.Path, Msg: "not a .volume or .network file"}
	}
	r := newReader(f, res.ext, res.section)
	err := r.read(func(e *Entry) error {
		if e.Key == res.nameKey {
			if e.Value == "" {
				return r.errAt(*e, "empty value")
			}
			return nil
		}
		k, ok := res.keys[e.Key]
		if !ok {
			return r.errAt(*e, "unknown key in [%s] (see podman-systemd.unit(5))", res.section)
		}
		return r.rule(k, e, nil)
	})
	if err != nil {
		return nil, err
	}
	r.singles(res.keys)
	run := append([]string{o.Pod}, r.globalArgs...)
	run = append(run, res.verb, "create", "--ignore")
	run = append(run, r.flags...)
	run = append(run, r.podmanArgs...)
	run = append(run, res.objectName(f))
	out := append(r.head(),
		unit.NewUnitOption("Service", "Type", "oneshot"),
		unit.NewUnitOption("Service", "RemainAfterExit", "yes"),
		unit.NewUnitOption("Service", "SyslogIdentifier", "%N"),
	)
	out = append(out, r.serviceOpts...)
	out = append(out, unit.NewUnitOption("Service", "ExecStart", joinWords(run)))
	out = append(out, r.installOpts...)
	return r.unit(res.serviceName(f.Path), out)
}

// ruleArgs renders one key by its rule; single values are collected in
// last (the last one wins) and rendered by the caller.
func ruleArgs(r keyRule, e *Entry, last map[string]string, order *[]string) ([]string, error) {
	switch r.kind {
	case each:
		if e.Value == "" {
			return nil, fmt.Errorf("empty value")
		}
		return []string{r.flag, e.Value}, nil
	case words:
		w, err := SplitWords(e.Value)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, x := range w {
			out = append(out, r.flag, x)
		}
		return out, nil
	case single:
		if _, seen := last[e.Key]; !seen {
			*order = append(*order, e.Key)
		}
		last[e.Key] = e.Value
		return nil, nil
	}
	b, err := parseBool(e.Value)
	if err != nil || !b {
		return nil, err
	}
	if r.arg != "" {
		return []string{r.flag, r.arg}, nil
	}
	return []string{r.flag}, nil
}

// objects are the .volume and .network files of one generator run, by file
// name (foo.volume): a .container refers to them.
type objects map[string]object

type object struct{ name, service string }

// resolve rewrites a Volume= or Network= value that names an object file
// (foo.volume:/data, foo.network[:options]) to the object's name, and
// returns the service it needs ("" for a plain value).
func (objs objects) resolve(v string) (string, string, error) {
	ref, rest, _ := strings.Cut(v, ":")
	if !strings.HasSuffix(ref, ".volume") && !strings.HasSuffix(ref, ".network") {
		return v, "", nil
	}
	obj, ok := objs[ref]
	if !ok {
		return "", "", fmt.Errorf("%s: no such file in the unit directories (a %s file must be next to the .container files)", ref, filepath.Ext(ref))
	}
	if rest != "" || strings.Contains(v, ":") {
		return obj.name + ":" + rest, obj.service, nil
	}
	return obj.name, obj.service, nil
}
