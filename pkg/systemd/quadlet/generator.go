package quadlet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// UnitDirs are the directories searched for .container files, highest
// priority first: pod's own, then Podman's Quadlet directories. A name
// found in an earlier directory hides the same name in later ones.
// QUADLET_UNIT_DIRS (colon-separated) replaces the list, as in Podman.
func UnitDirs(user bool) []string {
	if env := os.Getenv("QUADLET_UNIT_DIRS"); env != "" {
		return filepath.SplitList(env)
	}
	if !user {
		return []string{
			"/run/pod/systemd", "/etc/pod/systemd", "/usr/share/pod/systemd",
			"/run/containers/systemd", "/etc/containers/systemd", "/usr/share/containers/systemd",
		}
	}
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		home, _ := os.UserHomeDir()
		cfg = filepath.Join(home, ".config")
	}
	uid := strconv.Itoa(os.Getuid())
	return []string{
		filepath.Join(cfg, "pod/systemd"), "/etc/pod/systemd/users/" + uid, "/etc/pod/systemd/users",
		filepath.Join(cfg, "containers/systemd"), "/etc/containers/systemd/users/" + uid, "/etc/containers/systemd/users",
	}
}

// unitFile reports whether a file name is one pod-quadlet converts.
func unitFile(name string) bool {
	for _, ext := range []string{".container", ".pod", ".kube", ".volume", ".network"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// Find lists the .container, .pod, .kube, .volume and .network files in dirs (first directory wins a name),
// sorted by name.
func Find(dirs []string) ([]string, error) {
	seen := map[string]string{}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading unit directory %s: %w", d, err)
		}
		for _, e := range ents {
			n := e.Name()
			if !unitFile(n) || e.IsDir() {
				continue
			}
			if _, ok := seen[n]; !ok {
				seen[n] = filepath.Join(d, n)
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = seen[n]
	}
	return out, nil
}

// Generate converts every file; it returns the units that converted and one
// error per file that did not (a bad file never stops the others: a
// generator must leave the good services bootable).
func Generate(files []string, o Options) ([]*Unit, []error) {
	var units []*Unit
	var errs []error
	parsed := make([]*File, 0, len(files))
	o.objects = objects{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := Parse(path, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if r := resourceFor(path); r != nil {
			o.objects[filepath.Base(path)] = object{name: r.objectName(f), service: r.serviceName(path)}
		} else if strings.HasSuffix(path, ".pod") {
			o.objects[filepath.Base(path)] = object{name: podName(f), service: podService(path)}
		}
		parsed = append(parsed, f)
	}
	// A pod's service wants the services of the containers that join it.
	members := map[string][]string{}
	for _, f := range parsed {
		if !strings.HasSuffix(f.Path, ".container") {
			continue
		}
		for _, e := range f.Entries {
			if e.Section == "Container" && e.Key == "Pod" {
				members[e.Value] = append(members[e.Value], strings.TrimSuffix(filepath.Base(f.Path), ".container")+".service")
			}
		}
	}
	for _, f := range parsed {
		var u *Unit
		var err error
		switch {
		case resourceFor(f.Path) != nil:
			u, err = Resource(f, o)
		case strings.HasSuffix(f.Path, ".pod"):
			u, err = Pod(f, o, members[filepath.Base(f.Path)])
		case strings.HasSuffix(f.Path, ".kube"):
			u, err = Kube(f, o)
		default:
			u, err = Container(f, o)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		units = append(units, u)
	}
	return units, errs
}

// Write puts a unit into a generator's output directory, with the .wants
// and .requires symlinks of its [Install] section.
func Write(dir string, u *Unit) error {
	path := filepath.Join(dir, u.Name)
	if err := os.WriteFile(path, []byte(u.Content), 0o644); err != nil {
		return err
	}
	link := func(target, suffix string) error {
		if strings.ContainsAny(target, "/") || target == "" {
			return fmt.Errorf("%s: [Install] target %q is not a unit name", u.Source, target)
		}
		d := filepath.Join(dir, target+suffix)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		l := filepath.Join(d, u.Name)
		_ = os.Remove(l)
		return os.Symlink("../"+u.Name, l)
	}
	for _, t := range u.WantedBy {
		if err := link(t, ".wants"); err != nil {
			return err
		}
	}
	for _, t := range u.Required {
		if err := link(t, ".requires"); err != nil {
			return err
		}
	}
	return nil
}

// PodBinary finds the pod binary units run: next to the generator (a build
// tree's bin/), then $(PREFIX)/bin/pod for a generator in
// $(PREFIX)/libexec/pod, then the usual places.
func PodBinary(self string) string {
	dir := filepath.Dir(self)
	for _, c := range []string{filepath.Join(dir, "pod"), filepath.Join(dir, "../../bin/pod"), "/usr/local/bin/pod", "/usr/bin/pod"} {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return filepath.Clean(c)
		}
	}
	return "/usr/bin/pod"
}
