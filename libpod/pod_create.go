package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pods"
)

// PodCreateOptions are the settings of `pod pod create`.
type PodCreateOptions struct {
	Name         string
	Labels       map[string]string
	Hostname     string
	CgroupParent string
	Share        string // --share as given
	ShareGiven   bool
	Infra        bool     // create an infra container (Podman's default)
	InfraImage   string   // --infra-image: run the pause process from this image
	InfraCommand []string // --infra-command
	InfraName    string   // --infra-name
	// InfraConmonPidFile is --infra-conmon-pidfile: the infra monitor's pid.
	InfraConmonPidFile string
	ExitPolicy         string   // --exit-policy: continue (default) or stop
	Replace            bool     // --replace: remove a pod of the same name first
	Runtime            string   // the pod's runtime: members use it unless they name another
	Network            string   // --network of the infra container (its namespace is the pod's)
	MoreNetworks       []string // --network given again: more networks the infra joins
	Publish            []string // -p: ports the infra publishes for the pod
	// --ip, --ip6, --mac-address, --network-alias: the infra's, so the pod's.
	IP, IP6, MAC  string
	Aliases       []string
	CPUs, Memory  string // --cpus, --memory: limits of the pod cgroup
	EtcFiles      PodEtcFiles
	NoShareParent bool // --share-parent=false
	// Spec holds the container flags of `pod pod create`, set as on
	// `run`: the resource flags limit the pod cgroup (podResources), the
	// others configure the infra container and, as Podman, what its
	// members inherit (pod_flags.go).
	Spec        specgen.Options
	VolumesFrom []string // --volumes-from, on the infra and every member
	// CreateCommand is the `pod pod create` command line (os.Args), shown
	// by inspect and run by generate systemd --new; none for kube play and
	// clones, as Podman.
	CreateCommand []string
}

// infraCommand is the pause process of an infra container without
// --infra-image: catatonit, copied into a rootfs of the pod's own (no image,
// no network pull). -P makes it a pause process: it only waits for signals.
var infraCommand = []string{"/catatonit", "-P"}

// CreatePod validates the options, stores a new pod and, unless --infra=false,
// creates its infra container (not started: the first member's start or
// `pod pod start` starts it). Nothing is left behind on an error.
func (r *Runtime) CreatePod(ctx context.Context, o *PodCreateOptions) (_ *Pod, retErr error) {
	share, err := pods.ParseShare(o.Share, o.ShareGiven)
	if err != nil {
		return nil, err
	}
	if o.ExitPolicy, err = pods.ParseExitPolicy(o.ExitPolicy); err != nil {
		return nil, err
	}
	if !o.Infra {
		if len(share) > 0 && o.ShareGiven {
			return nil, fmt.Errorf("you must have an infra container to share namespaces: %w", errdefs.ErrInvalidArgument)
		}
		share = nil
		if o.InfraImage != "" || len(o.InfraCommand) > 0 || o.InfraConmonPidFile != "" || o.InfraName != "" {
			return nil, fmt.Errorf("--infra-image, --infra-command, --infra-name and --infra-conmon-pidfile need an infra container: drop --infra=false: %w", errdefs.ErrInvalidArgument)
		}
		if o.Network != "" || o.Hostname != "" || len(o.Publish) > 0 || o.IP != "" || o.IP6 != "" || o.MAC != "" || len(o.Aliases) > 0 {
			return nil, fmt.Errorf("cannot set --network, --publish, --hostname, --ip, --ip6, --mac-address or --network-alias on a pod without an infra container: %w", errdefs.ErrInvalidArgument)
		}
		if e := o.EtcFiles; len(e.AddHosts)+len(e.DNS)+len(e.DNSSearch)+len(e.DNSOptions) > 0 || e.NoHosts {
			return nil, fmt.Errorf("cannot set --add-host, --dns, --dns-search, --dns-option or --no-hosts on a pod without an infra container: %w", errdefs.ErrInvalidArgument)
		}
	}
	if err := checkPodFlags(o, share); err != nil {
		return nil, err
	}
	if pods.Shares(share, pods.NSCgroup) && !o.NoShareParent {
		return nil, fmt.Errorf("cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS: add --share-parent=false: %w", errdefs.ErrInvalidArgument)
	}
	if o.Hostname != "" && !pods.Shares(share, pods.NSUTS) {
		return nil, fmt.Errorf("cannot set --hostname on a pod that does not share the uts namespace: %w", errdefs.ErrInvalidArgument)
	}
	handle, err := r.registry.Resolve(o.Runtime)
	if err != nil {
		return nil, err
	}
	if err := r.registry.Require(handle, ocirt.CapPod); err != nil {
		return nil, fmt.Errorf("pod %s: %w", o.Name, err)
	}
	if err := r.requirePodUserNS(o, handle); err != nil {
		return nil, err
	}
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		if o.Name, err = r.freePodName(db); err != nil {
			return nil, err
		}
	} else if !nameRE.MatchString(o.Name) || len(o.Name) > 253 {
		return nil, fmt.Errorf("pod name %q is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 253 characters: %w", o.Name, errdefs.ErrInvalidArgument)
	}
	if o.Replace {
		if old, err := r.LookupPod(o.Name); err == nil && old.Name() == o.Name {
			if err := old.Remove(ctx, PodRemoveOptions{Force: true}); err != nil {
				return nil, fmt.Errorf("replacing pod %s: %w", o.Name, err)
			}
		}
	}
	p := &Pod{rt: r, config: PodConfig{
		ID: newID(), Name: o.Name, Created: time.Now(), Labels: o.Labels, Hostname: o.Hostname,
		Share: share, ExitPolicy: o.ExitPolicy, Runtime: handle, CPUs: o.CPUs, Memory: o.Memory,
		InfraImage: o.InfraImage, InfraCommand: o.InfraCommand, EtcFiles: o.EtcFiles, CreateCommand: o.CreateCommand, NoShareParent: o.NoShareParent,
		Inherit: podInherit(o),
	}}
	given := *o
	given.Replace, given.Runtime = false, handle.Name
	p.config.CreateOptions = &given
	if o.NoShareParent {
		p.config.CgroupParent = o.CgroupParent
	} else if p.config.CgroupParent, err = r.podCgroupParent(p.config.ID, o.CgroupParent); err != nil {
		return nil, err
	}
	if p.config.Resources, err = r.podResources(o, handle); err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(&p.config)
	if err != nil {
		return nil, err
	}
	if err := db.AddPod(&store.Row{ID: p.config.ID, Name: p.config.Name, Created: p.config.Created.UnixNano(), Config: cfg, State: []byte("{}")}); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			_ = p.Remove(context.WithoutCancel(ctx), PodRemoveOptions{Force: true})
		}
	}()
	if err := p.lockPod(); err != nil {
		return nil, err
	}
	defer p.unlockPod()
	if err := r.setupPodCgroup(p); err != nil {
		return nil, err
	}
	if o.Infra {
		infra, err := r.createInfra(ctx, p, o)
		if err != nil {
			return nil, err
		}
		p.config.InfraID = infra.ID()
		if err := r.infraUserNS(p, infra); err != nil {
			return nil, err
		}
	}
	if err := p.save(); err != nil {
		return nil, err
	}
	p.event(events.Create)
	return p, nil
}

// createInfra creates the pod's infra container: the pause process that
// holds the shared namespaces while members come and go.
func (r *Runtime) createInfra(ctx context.Context, p *Pod, o *PodCreateOptions) (*Container, error) {
	name := o.InfraName
	if name == "" {
		name = p.config.ID[:12] + "-infra"
	}
	co := &CreateOptions{Runtime: p.config.Runtime.Name, Image: o.InfraImage}
	co.Spec.Name = name
	infraSpec(&co.Spec, o)
	co.VolumesFrom = o.VolumesFrom
	co.Spec.Hostname = o.Hostname
	if co.Spec.Hostname == "" && pods.Shares(p.config.Share, pods.NSUTS) && o.Spec.UTS != "host" {
		co.Spec.Hostname = p.config.Name // Podman: the pod's name is its members' hostname
	}
	// The infra's network is the pod's: its namespace (the default
	// network, or what --network names) and the ports the pod publishes.
	co.Spec.Network = o.Network
	co.Net.MoreNetworks = o.MoreNetworks
	co.Net.Publish = o.Publish
	co.Net.IP, co.Net.IP6, co.Net.MAC, co.Net.Aliases = o.IP, o.IP6, o.MAC, o.Aliases
	e := &o.EtcFiles
	co.Spec.AddHosts, co.Spec.NoHosts, co.Spec.DNS, co.Spec.DNSSearch, co.Spec.DNSOptions = e.AddHosts, e.NoHosts, e.DNS, e.DNSSearch, e.DNSOptions
	co.Spec.Labels = map[string]string{}
	co.ConmonPidFile = o.InfraConmonPidFile
	co.Spec.Command = o.InfraCommand
	co.Spec.Entrypoint = &[]string{}
	if o.InfraImage == "" {
		rootfs, err := r.infraRootfs(p)
		if err != nil {
			return nil, err
		}
		co.Spec.Rootfs = rootfs
		if len(co.Spec.Command) == 0 {
			co.Spec.Command = infraCommand
		}
	} else if len(co.Spec.Command) == 0 {
		co.Spec.Entrypoint = nil // the image's entrypoint and cmd
	}
	co.Pull = "missing"
	co.pod = p
	co.infra = true
	return r.CreateContainer(ctx, co)
}

// infraRootfs builds the infra container's root: catatonit and the mount
// points a runtime expects, in the pod's own directory.
func (r *Runtime) infraRootfs(p *Pod) (string, error) {
	src := r.initPath()
	if src == "" {
		return "", fmt.Errorf("pod %s: no catatonit found for the infra container (install catatonit, set init_path in containers.conf, or give --infra-image): %w", p.config.Name, errdefs.ErrNotFound)
	}
	root := filepath.Join(p.dir(), "infra-rootfs")
	for _, d := range []string{"proc", "dev", "sys", "etc", "tmp", "run"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return "", err
		}
	}
	for _, f := range []string{"etc/passwd", "etc/group"} {
		line := "root:x:0:0:root:/:/catatonit\n"
		if f == "etc/group" {
			line = "root:x:0:\n"
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte(line), 0o644); err != nil {
			return "", err
		}
	}
	if err := copyFile(src, filepath.Join(root, "catatonit"), 0o755); err != nil {
		return "", fmt.Errorf("pod %s: copying %s into the infra rootfs: %w", p.config.Name, src, err)
	}
	return root, nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// freePodName picks a random adjective_noun name no pod uses.
func (r *Runtime) freePodName(db *store.Store) (string, error) {
	for i := 0; i < 32; i++ {
		n := randomName(i > 8)
		if _, err := db.LookupPodID(n); errors.Is(err, errdefs.ErrNotFound) {
			return n, nil
		}
	}
	return "", fmt.Errorf("could not find a free pod name: give one with --name: %w", errdefs.ErrAlreadyExists)
}
