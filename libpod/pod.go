package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/lock"
	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pods"
)

// PodConfig is what a pod was created with. Its members record the pod's
// ID in their ContainerConfig.Pod; the pod row does not list them.
type PodConfig struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Created      time.Time         `json:"created"`
	Labels       map[string]string `json:"labels,omitempty"`
	Hostname     string            `json:"hostname,omitempty"`
	CgroupParent string            `json:"cgroupParent,omitempty"` // what members get as their cgroup parent
	Share        []string          `json:"share,omitempty"`        // namespaces members join (pods.ParseShare)
	InfraID      string            `json:"infraId,omitempty"`      // empty with --infra=false
	ExitPolicy   string            `json:"exitPolicy,omitempty"`   // continue | stop
	Runtime      ocirt.Handle      `json:"runtime"`                // the pod's runtime: members default to it
	CPUs         string            `json:"cpus,omitempty"`         // --cpus on the pod (the pod cgroup's limit)
	Memory       string            `json:"memory,omitempty"`       // --memory on the pod
	InfraCommand []string          `json:"infraCommand,omitempty"`
	InfraImage   string            `json:"infraImage,omitempty"`
	EtcFiles     PodEtcFiles       `json:"etcFiles,omitempty"` // the members' /etc/hosts and resolv.conf
	// NoShareParent is --share-parent=false: no pod cgroup; members keep
	// the default parent (or the pod's --cgroup-parent as given).
	NoShareParent bool `json:"noShareParent,omitempty"`
	// Resources are the pod cgroup's limits (all resource flags, --cpus
	// and --memory included); nil in pods made before they were recorded.
	Resources *specs.LinuxResources `json:"resources,omitempty"`
	Inherit   PodInherit            `json:"inherit,omitempty"` // what every member gets from pod create
	// CreateOptions are the options the pod was created with (its name
	// and runtime resolved): `pod pod clone` creates from them again.
	CreateOptions *PodCreateOptions `json:"createOptions,omitempty"`
	// CreateCommand is the command line that created the pod (Podman's
	// CreateCommand): inspect and generate systemd --new.
	CreateCommand []string `json:"createCommand,omitempty"`
}

// PodEtcFiles are `pod pod create`'s /etc file flags: the infra's and, when
// the pod shares its network, every member's (Podman: set on the pod only).
type PodEtcFiles struct {
	AddHosts   []string `json:"addHosts,omitempty"`   // --add-host
	NoHosts    bool     `json:"noHosts,omitempty"`    // --no-hosts
	DNS        []string `json:"dns,omitempty"`        // --dns
	DNSSearch  []string `json:"dnsSearch,omitempty"`  // --dns-search
	DNSOptions []string `json:"dnsOptions,omitempty"` // --dns-option
}

// PodState is what changes while a pod lives; a pod's status is computed
// from its members' states (pods.Status), never stored.
type PodState struct {
	CgroupPath string `json:"cgroupPath,omitempty"` // the pod cgroup pod created (cgroupfs), removed with the pod
}

// Pod is a handle on one pod: a snapshot of its record.
type Pod struct {
	rt     *Runtime
	config PodConfig
	state  PodState
	lock   *lock.Locker
}

// ID returns the pod's full ID.
func (p *Pod) ID() string { return p.config.ID }

// Name returns the pod's name.
func (p *Pod) Name() string { return p.config.Name }

// Config returns a copy of the pod's configuration.
func (p *Pod) Config() PodConfig { return p.config }

// InfraID returns the ID of the pod's infra container ("" without one).
func (p *Pod) InfraID() string { return p.config.InfraID }

// podLockName keeps pod locks apart from container locks in one directory.
func podLockName(id string) string { return "pod-" + id }

// dir is where pod keeps the pod's files (the infra's rootfs, emptyDirs).
func (p *Pod) dir() string { return filepath.Join(p.rt.paths.Static, "pods", p.config.ID) }

func (r *Runtime) podFromRow(row *store.Row) (*Pod, error) {
	p := &Pod{rt: r}
	if err := json.Unmarshal(row.Config, &p.config); err != nil {
		return nil, fmt.Errorf("pod %s: corrupt config in the state database: %w", row.ID, err)
	}
	if err := json.Unmarshal(row.State, &p.state); err != nil {
		return nil, fmt.Errorf("pod %s: corrupt state in the state database: %w", row.ID, err)
	}
	return p, nil
}

// LookupPod finds a pod by name, full ID or unique ID prefix.
func (r *Runtime) LookupPod(nameOrID string) (*Pod, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	id, err := db.LookupPodID(nameOrID)
	if err != nil {
		return nil, err
	}
	row, err := db.GetPod(id)
	if err != nil {
		return nil, err
	}
	return r.podFromRow(row)
}

// PodExists reports whether a pod with that name or ID exists.
func (r *Runtime) PodExists(nameOrID string) (bool, error) {
	_, err := r.LookupPod(nameOrID)
	if errors.Is(err, errdefs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Pods returns every pod, oldest first.
func (r *Runtime) Pods() ([]*Pod, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	rows, err := db.ListPods()
	if err != nil {
		return nil, err
	}
	out := make([]*Pod, 0, len(rows))
	for _, row := range rows {
		p, err := r.podFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Containers returns the pod's members, oldest first, synced in memory.
func (p *Pod) Containers() ([]*Container, error) {
	all, err := p.rt.Containers()
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, c := range all {
		if c.config.Pod == p.config.ID {
			out = append(out, c)
		}
	}
	return out, nil
}

// Status is the pod's state from its members' (Podman's names: Created,
// Running, Degraded, Stopped, Exited, Paused, Error).
func (p *Pod) Status() (string, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return "", err
	}
	return podStatus(ctrs), nil
}

func podStatus(ctrs []*Container) string {
	states := make([]string, len(ctrs))
	for i, c := range ctrs {
		states[i] = string(c.state.Status)
	}
	return pods.Status(states)
}

// lockPod takes the pod's lock (before any container lock: libpod/doc.go)
// and re-reads its record; a pod removed meanwhile is ErrNoSuchPod.
func (p *Pod) lockPod() error {
	l, err := p.rt.locks.Lock(podLockName(p.config.ID))
	if err != nil {
		return err
	}
	db, err := p.rt.state()
	if err == nil {
		var row *store.Row
		if row, err = db.GetPod(p.config.ID); err == nil {
			var fresh *Pod
			if fresh, err = p.rt.podFromRow(row); err == nil {
				p.config, p.state = fresh.config, fresh.state
			}
		}
	}
	if err != nil {
		l.Unlock()
		if errors.Is(err, errdefs.ErrNotFound) {
			p.rt.locks.Remove(podLockName(p.config.ID))
			return fmt.Errorf("no pod with name or ID %s found: %w", p.config.Name, errdefs.ErrNoSuchPod)
		}
		return err
	}
	p.lock = l
	return nil
}

func (p *Pod) unlockPod() {
	if p.lock != nil {
		p.lock.Unlock()
		p.lock = nil
	}
}

func (p *Pod) save() error {
	db, err := p.rt.state()
	if err != nil {
		return err
	}
	cfg, err := json.Marshal(&p.config)
	if err != nil {
		return err
	}
	st, err := json.Marshal(&p.state)
	if err != nil {
		return err
	}
	return db.SavePod(p.config.ID, cfg, st)
}

// EmptyDir returns (creating it) the directory of the pod's emptyDir volume
// name: it lives and dies with the pod (kube play).
func (p *Pod) EmptyDir(name string) (string, error) {
	if !nameRE.MatchString(name) {
		return "", fmt.Errorf("pod %s: emptyDir volume name %q is invalid: %w", p.config.Name, name, errdefs.ErrInvalidArgument)
	}
	d := filepath.Join(p.dir(), "volumes", name)
	if err := os.MkdirAll(d, 0o777); err != nil {
		return "", fmt.Errorf("pod %s: emptyDir %s: %w", p.config.Name, name, err)
	}
	return d, os.Chmod(d, 0o777) // as Kubernetes: writable by any user of the pod
}

// EmptyDirName reports whether path is one of the pod's emptyDir volumes,
// and its name.
func (p *Pod) EmptyDirName(path string) (string, bool) {
	dir := filepath.Join(p.dir(), "volumes") + "/"
	if !strings.HasPrefix(path, dir) || strings.Contains(path[len(dir):], "/") {
		return "", false
	}
	return path[len(dir):], true
}
