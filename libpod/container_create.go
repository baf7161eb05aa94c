package libpod

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/secret"
	"github.com/pod-engine/pod/pkg/systemd/sdnotify"
)

// CreateOptions are the settings of a new container beyond its spec options.
type CreateOptions struct {
	Spec          specgen.Options
	Image         string            // image reference; empty with Spec.Rootfs
	Runtime       string            // runtime for this container; empty = the default
	Remove        bool              // --rm
	LogDriver     string            // --log-driver; empty = containers.conf log_driver
	LogOpts       []string          // --log-opt path=…, max-size=…, tag=…
	StopTimeout   *uint             // --stop-timeout; nil = containers.conf stop_timeout
	Timeout       uint              // --timeout: seconds the container may run (0 = no limit)
	Pull          string            // --pull: missing (default), always, never, newer
	PullQuiet     bool              // -q: no pull progress
	SdNotify      string            // --sdnotify: container, conmon, ignore
	CreateCommand []string          // the command line (os.Args), kept for generate systemd --new
	DetachKeys    string            // --detach-keys
	PreserveFDs   int               // run --preserve-fds: how many fds (3…) the process gets (Container.PreserveFDs hands them over)
	Listen        ListenFDs         // systemd socket activation: the caller's LISTEN_FDS sockets
	Secrets       []secret.Ref      // --secret: checked at create, handed over at each start
	Restart       string            // --restart: no, on-failure[:N], always, unless-stopped
	Health        healthcheck.Flags // --health-*, --no-healthcheck

	Net         NetworkFlags // --network-alias, --ip, --mac-address, -p, -P, --expose
	RunFlags                 // files, dependencies and platform (container_runflags.go)
	VolumeFlags              // --image-volume, --volumes-from (container_volumes.go)
	PodMember                // the pod it joins (pod_join.go)
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// ValidateName checks a container name; names become paths and symlinks.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) || len(name) > 253 {
		return fmt.Errorf("container name %q is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 253 characters: %w", name, errdefs.ErrInvalidArgument)
	}
	return nil
}

// newID returns a random 64-hex-digit ID whose 12-character short form is
// not all digits (so it can never be mistaken for a number).
func newID() string {
	var b [32]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		id := hex.EncodeToString(b[:])
		if strings.Trim(id[:12], "0123456789") != "" {
			return id
		}
	}
}

// CreateContainer validates the options, resolves the runtime (recording it)
// and the image, and stores a new container in the configured state.
func (r *Runtime) CreateContainer(ctx context.Context, o *CreateOptions) (*Container, error) {
	r.debugf("creating container")
	given, err := json.Marshal(o) // what clone creates from, before anything is applied
	if err != nil {
		return nil, err
	}
	if err := specgen.Validate(&o.Spec); err != nil {
		return nil, err
	}
	if err := r.checkRunFlags(o); err != nil {
		return nil, err
	}
	if err := resolveUserNS(&o.Spec); err != nil {
		return nil, err
	}
	unlockPod, err := r.joinPod(o)
	if err != nil {
		return nil, err
	}
	defer unlockPod()
	handle, err := r.resolveRuntime(o)
	if err != nil {
		return nil, err
	}
	r.debugf("runtime resolved: %s", handle.Path)
	cfg := ContainerConfig{
		ID:      newID(),
		Name:    o.Spec.Name,
		Created: time.Now(),
		Spec:    o.Spec,
		Image:   o.Image,
		Runtime: handle,
		Remove:  o.Remove,

		CreateOptions: given,
	}
	if err := r.applyLogOptions(&cfg, o); err != nil {
		return nil, err
	}
	cfg.StopTimeout = r.cfg.Engine.StopTimeout
	cfg.Timeout = o.Timeout
	if o.StopTimeout != nil {
		cfg.StopTimeout = *o.StopTimeout
	}
	if err := sdnotify.Validate(o.SdNotify); err != nil {
		return nil, fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
	}
	cfg.SdNotify = o.SdNotify
	cfg.CreateCommand = o.CreateCommand
	cfg.DetachKeys = o.DetachKeys
	cfg.CgroupMgr = r.cfg.Engine.CgroupManager

	switch {
	case o.Spec.Rootfs != "" && o.Image != "":
		return nil, fmt.Errorf("--rootfs and an image cannot be used together: %w", errdefs.ErrInvalidArgument)
	case o.Spec.Rootfs != "":
		if err := checkRootfs(o.Spec.Rootfs); err != nil {
			return nil, err
		}
	case o.Image != "":
		if err := r.resolveImage(ctx, &cfg, o); err != nil {
			return nil, err
		}
		r.debugf("image resolved: %s", cfg.ImageID)
	default:
		return nil, fmt.Errorf("no image given: give an image or --rootfs PATH: %w", errdefs.ErrInvalidArgument)
	}
	if err := applyPolicies(&cfg, o); err != nil {
		return nil, err
	}
	if cfg.Command, err = specgen.Command(&o.Spec, &cfg.ImageConfig); err != nil {
		return nil, err
	}
	if len(cfg.Command) == 0 {
		return nil, fmt.Errorf("no command given and the image has neither Entrypoint nor Cmd: give a command: %w", errdefs.ErrInvalidArgument)
	}
	imageSignal := cfg.ImageConfig.StopSignal
	if imageSignal == "" && specgen.SystemdMode(&o.Spec, cfg.Command) {
		imageSignal = strconv.Itoa(specgen.SystemdStopSignal)
	}
	sig, err := stopSignal(o.Spec.StopSignal, imageSignal)
	if err != nil {
		return nil, err
	}
	cfg.StopSignal = sig
	// Limits, capabilities, cgroup parent, seccomp profile… fail now rather than at start.
	host, err := r.hostInfo(&Container{config: cfg})
	if err != nil {
		return nil, err
	}
	if err := specgen.ValidateHost(&o.Spec, &cfg.ImageConfig, r.specDefaults(), host); err != nil {
		return nil, err
	}

	db, err := r.state()
	if err != nil {
		return nil, err
	}
	r.debugf("state database open")
	if err := r.applyRunFlags(ctx, &cfg, o); err != nil {
		return nil, err
	}
	if err := r.resolveNSJoins(&cfg); err != nil {
		return nil, err
	}
	if err := recordPod(&cfg, o); err != nil {
		return nil, err
	}
	if err := r.applyNetworkUnlessPod(&cfg, o); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		if cfg.Name, err = r.freeName(db); err != nil {
			return nil, err
		}
	} else if err := ValidateName(cfg.Name); err != nil {
		return nil, err
	}
	undoVolumes, err := r.resolveVolumes(ctx, &cfg, o)
	if err != nil {
		return nil, err
	}
	c := &Container{rt: r, config: cfg, state: ContainerState{Status: StatusConfigured}}
	configJSON, err := json.Marshal(&c.config)
	if err != nil {
		undoVolumes()
		return nil, err
	}
	stateJSON, err := json.Marshal(&c.state)
	if err != nil {
		undoVolumes()
		return nil, err
	}
	// Its lock must open before anything is recorded: a lock file or
	// directory pod cannot open (another owner, a directory in its place)
	// would otherwise leave a container that neither start nor rm can lock.
	l, err := r.locks.Lock(cfg.ID)
	if err != nil {
		undoVolumes()
		return nil, err
	}
	l.Unlock()
	// The record comes first, the storage second: a pod killed in between
	// leaves a container that ps shows and rm removes, never a storage
	// container (and its layer) that no record names.
	if err := db.Add(&store.Row{ID: cfg.ID, Name: cfg.Name, Created: cfg.Created.UnixNano(), Config: configJSON, State: stateJSON}); err != nil {
		r.locks.Remove(cfg.ID)
		undoVolumes()
		return nil, err
	}
	r.debugf("container %s stored", cfg.ID)
	if cfg.Storage {
		if err := r.createStorage(c); err != nil {
			if rmErr := db.Remove(cfg.ID); rmErr != nil {
				r.warnf("%v", rmErr)
			} else {
				r.locks.Remove(cfg.ID)
			}
			undoVolumes()
			return nil, err
		}
		r.debugf("storage created")
	}
	if err := c.writeCIDFile(); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), RemoveOptions{Force: true})
		return nil, err
	}
	c.event(events.Create)
	return c, nil
}

// resolveRuntime resolves the container's runtime: its own --runtime, else
// the engine default (global --runtime or containers.conf), and refuses,
// before anything is created, what that runtime cannot do.
func (r *Runtime) resolveRuntime(o *CreateOptions) (ocirt.Handle, error) {
	h, err := r.registry.Resolve(o.Runtime)
	if err != nil {
		return h, err
	}
	r.socketActivation(h, o)
	if err := r.registry.Require(h, needs(o)...); err != nil {
		return h, err
	}
	return h, checkMountFeatures(o)
}

// needs are the capabilities a container asks of its runtime.
func needs(o *CreateOptions) []ocirt.Capability {
	var need []ocirt.Capability
	add := func(c ocirt.Capability, asked bool) {
		if asked {
			need = append(need, c)
		}
	}
	add(ocirt.CapNoCgroups, o.Spec.Cgroups == "disabled")
	add(ocirt.CapTerminal, o.Spec.Terminal)
	add(ocirt.CapLogJournald, o.LogDriver == ocirt.LogJournald)
	add(ocirt.CapLogPassthrough, o.LogDriver == ocirt.LogPassthrough)
	add(ocirt.CapKeepGroups, len(o.Spec.GroupAdd) == 1 && o.Spec.GroupAdd[0] == "keep-groups")
	add(ocirt.CapPreserveFDs, o.PreserveFDs > 0)
	add(ocirt.CapRootless, unshare.IsRootless())
	add(ocirt.CapUserNS, ownUserNS(&o.Spec) && !keepsID(&o.Spec))
	add(ocirt.CapPod, joinsContainerNS(&o.Spec)) // --pid/--ipc/--uts container:NAME, by path as a pod member
	add(ocirt.CapIDMappedMounts, usesIDMap(&o.Spec))
	return append(need, podNeeds(o)...)
}

// applyLogOptions fills the log driver, path, size and tag.
func (r *Runtime) applyLogOptions(cfg *ContainerConfig, o *CreateOptions) error {
	cfg.LogDriver = o.LogDriver
	if cfg.LogDriver == "" {
		cfg.LogDriver = r.cfg.Containers.LogDriver
	}
	switch cfg.LogDriver {
	case "", "k8s-file", "json-file":
		cfg.LogDriver = conmon.LogDriverK8sFile
	case conmon.LogDriverJournald, conmon.LogDriverNone, conmon.LogDriverPassthrough:
	case "passthrough-tty":
		cfg.LogDriver = conmon.LogDriverPassthrough
	default:
		return fmt.Errorf("unknown --log-driver %q: use k8s-file, journald, none or passthrough: %w", cfg.LogDriver, errdefs.ErrInvalidArgument)
	}
	cfg.LogSizeMax = r.cfg.Containers.LogSizeMax
	cfg.LogTag = r.cfg.Containers.LogTag
	for _, opt := range o.LogOpts {
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			return fmt.Errorf("invalid --log-opt %q: expected KEY=VALUE: %w", opt, errdefs.ErrInvalidArgument)
		}
		switch k {
		case "path":
			if !filepath.IsAbs(v) {
				return fmt.Errorf("--log-opt path=%q must be absolute: %w", v, errdefs.ErrInvalidArgument)
			}
			cfg.LogPath = filepath.Clean(v)
		case "max-size":
			n, err := units.FromHumanSize(v) // decimal units, as Podman 4.3.1: 10k is 10000 bytes
			if err != nil || n < 0 {
				return fmt.Errorf("invalid --log-opt max-size=%q: %w", v, errdefs.ErrInvalidArgument)
			}
			cfg.LogSizeMax = n
		case "tag":
			cfg.LogTag = v
		default:
			return fmt.Errorf("unknown --log-opt %q: supported are path, max-size and tag: %w", k, errdefs.ErrInvalidArgument)
		}
	}
	if cfg.LogTag != "" && cfg.LogDriver != conmon.LogDriverJournald {
		return fmt.Errorf("log tags can only be used with the journald log driver: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

func checkRootfs(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("--rootfs %q must be an absolute path: %w", path, errdefs.ErrInvalidArgument)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("--rootfs %s: %w", path, errdefs.ErrNotFound)
	}
	if !fi.IsDir() {
		return fmt.Errorf("--rootfs %s is not a directory: %w", path, errdefs.ErrInvalidArgument)
	}
	return nil
}

// freeName picks a random adjective_noun name not yet in use.
func (r *Runtime) freeName(db *store.Store) (string, error) {
	for i := 0; i < 32; i++ {
		n := randomName(i > 8)
		taken, err := db.NameTaken(n)
		if err != nil {
			return "", err
		}
		if !taken {
			return n, nil
		}
	}
	return "", fmt.Errorf("could not find a free container name: give one with --name: %w", errdefs.ErrAlreadyExists)
}

// keepsID reports whether the container's user namespace is keep-id's,
// which maps the id pod runs as (the user's) to the container's user: a
// runtime that cannot map ids otherwise (userns) still runs it, its helpers
// keeping pod's own id.
func keepsID(s *specgen.Options) bool {
	u, err := specgen.ParseUserNS(s.UserNS)
	return err == nil && u.Mode == "keep-id"
}

// ownUserNS reports whether the container asks for a user namespace other
// than pod's own: --userns (but host), --uidmap/--gidmap, --subuidname/--subgidname.
func ownUserNS(s *specgen.Options) bool {
	return (s.UserNS != "" && s.UserNS != "host") || len(s.UIDMap)+len(s.GIDMap) > 0 ||
		s.SubUIDName != "" || s.SubGIDName != ""
}
