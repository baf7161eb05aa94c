//go:build !podlean

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/kube"
	"github.com/pod-engine/pod/pkg/pods"
)

// kubePlayFlags are `kube play`'s flags as Podman 4.3 has them.
type kubePlayFlags struct {
	configMaps, annotations, logOpts, networks, ips, macs []string
	replace, start, noHosts, tlsVerify, quiet, build      bool
	logDriver, userns, authfile, certDir, creds           string
	contextDir, seccompRoot                               string
}

// kubePlayOpts are the flags resolved into what every pod of the play gets.
type kubePlayOpts struct {
	replace, start, noHosts, quiet bool
	annotations                    map[string]string
	logDriver, userns              string
	networks                       []string // --network, each given: the pods' infra joins every one
	seccompRoot                    string   // --seccomp-profile-root: localhost/ profiles' directory
	logOpts, ips, macs, pullFlags  []string
	build                          *bool  // --build given: true/false; nil = build a missing image only
	buildRoot                      string // where an image's build directory is looked for
}

func kubePlayCommand() *cobra.Command {
	var f kubePlayFlags
	cmd := &cobra.Command{
		Use:     "play [options] KUBEFILE|-",
		Aliases: []string{"apply"},
		Short:   "Play a pod or volume based on Kubernetes YAML",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(cmd)
			if err != nil {
				return err
			}
			data, err := readKubeFile(args[0])
			if err != nil {
				return err
			}
			var extra [][]byte
			for _, cm := range f.configMaps {
				d, err := readKubeFile(cm)
				if err != nil {
					return err
				}
				extra = append(extra, d)
			}
			play, err := kube.ParseAll(data, extra...)
			if err != nil {
				return err
			}
			for _, k := range play.Skipped {
				logrus.Warnf("kube kind %s is not supported: ignored (pod plays Pod, Deployment, ConfigMap, PersistentVolumeClaim and Secret)", k)
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				return kubePlay(cmd.Context(), rt, play, o)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.configMaps, "configmap", nil, "Pathname of a YAML file containing a kubernetes configmap")
	fl.BoolVar(&f.replace, "replace", false, "Delete and recreate pods defined in the YAML file")
	fl.BoolVar(&f.start, "start", true, "Start the pod after creating it")
	fl.StringArrayVar(&f.annotations, "annotation", nil, "Add annotations to pods (key=value)")
	fl.StringVar(&f.logDriver, "log-driver", "", "Logging driver for the container")
	fl.StringArrayVar(&f.logOpts, "log-opt", nil, "Logging driver options")
	fl.StringArrayVar(&f.networks, "network", nil, "Connect pod to network(s) or network mode")
	fl.StringSliceVar(&f.ips, "ip", nil, "Static IP addresses to assign to the pods")
	fl.StringSliceVar(&f.macs, "mac-address", nil, "Static MAC addresses to assign to the pods")
	fl.BoolVar(&f.noHosts, "no-hosts", false, "Do not create /etc/hosts within the pod's containers, instead use the version from the image")
	fl.StringVar(&f.userns, "userns", os.Getenv("PODMAN_USERNS"), "User namespace to use")
	fl.StringVar(&f.authfile, "authfile", "", "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fl.StringVar(&f.certDir, "cert-dir", "", "`Pathname` of a directory containing TLS certificates and keys")
	fl.StringVar(&f.creds, "creds", "", "`Credentials` (USERNAME:PASSWORD) to use for authenticating to a registry")
	fl.BoolVar(&f.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting container registries")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "Suppress output information when pulling images")
	fl.BoolVar(&f.build, "build", false, "Build all images in a YAML (given Containerfiles)")
	fl.StringVar(&f.contextDir, "context-dir", "", "Path to top level of context directory")
	fl.StringVar(&f.seccompRoot, "seccomp-profile-root", kube.DefaultSeccompRoot, "Directory path for seccomp profiles")
	return cmd
}

// options checks the flags before anything is read or made.
func (f *kubePlayFlags) options(cmd *cobra.Command) (*kubePlayOpts, error) {
	fl := cmd.Flags()
	o := &kubePlayOpts{replace: f.replace, start: f.start, noHosts: f.noHosts, quiet: f.quiet, logDriver: f.logDriver,
		logOpts: f.logOpts, userns: f.userns, ips: f.ips, macs: f.macs, seccompRoot: f.seccompRoot}
	o.annotations = map[string]string{}
	for _, a := range f.annotations {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--annotation %q: annotation must be formatted KEY=VALUE: %w", a, errdefs.ErrInvalidArgument)
		}
		o.annotations[k] = v
	}
	var err error
	o.networks = f.networks
	if fl.Changed("tls-verify") {
		o.pullFlags = append(o.pullFlags, "--tls-verify="+strconv.FormatBool(f.tlsVerify))
	}
	if f.authfile != "" {
		if _, err := os.Stat(f.authfile); err != nil {
			return nil, fmt.Errorf("--authfile: %w: %w", err, errdefs.ErrInvalidArgument)
		}
		o.pullFlags = append(o.pullFlags, "--authfile="+f.authfile)
	}
	if f.certDir != "" {
		if fi, err := os.Stat(f.certDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--cert-dir %q: must be an existing directory of TLS certificates: %w", f.certDir, errdefs.ErrInvalidArgument)
		}
		o.pullFlags = append(o.pullFlags, "--cert-dir="+f.certDir)
	}
	if fl.Changed("creds") {
		if u, _, _ := strings.Cut(f.creds, ":"); u == "" {
			return nil, fmt.Errorf("--creds %q: give USERNAME[:PASSWORD], the username must not be empty: %w", f.creds, errdefs.ErrInvalidArgument)
		}
		o.pullFlags = append(o.pullFlags, "--creds="+f.creds)
	}
	if fl.Changed("build") {
		b := f.build
		o.build = &b
	}
	if f.contextDir != "" && !f.build {
		return nil, fmt.Errorf("--build must be specified when using --context-dir option: %w", errdefs.ErrInvalidArgument)
	}
	if o.buildRoot = f.contextDir; o.buildRoot == "" {
		if o.buildRoot, err = os.Getwd(); err != nil {
			return nil, err
		}
	} else if fi, err := os.Stat(o.buildRoot); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("--context-dir %q: must be an existing directory: %w", f.contextDir, errdefs.ErrInvalidArgument)
	}
	return o, nil
}

// kubePlay creates the play's secrets and volumes, then its pods; on an
// error what this play created is removed again.
func kubePlay(ctx context.Context, rt *libpod.Runtime, play *kube.Play, o *kubePlayOpts) (retErr error) {
	if len(o.ips) > 0 || len(o.macs) > 0 {
		for _, plan := range play.Plans {
			if plan.HostNetwork {
				return fmt.Errorf("pod %s: --ip and --mac-address cannot apply to a pod with hostNetwork: true: drop them or hostNetwork: %w", plan.Name, errdefs.ErrInvalidArgument)
			}
		}
	}
	var undo kubeUndo
	defer func() {
		if retErr != nil {
			undo.run(context.WithoutCancel(ctx), rt)
		}
	}()
	if err := kubeCreateSecrets(rt, play.Secrets, &undo); err != nil {
		return err
	}
	if err := kubeCreateVolumes(ctx, rt, play.Volumes, &undo); err != nil {
		return err
	}
	if err := kubeBuildImages(ctx, rt, play.Plans, o); err != nil {
		return err
	}
	for i := range play.Plans {
		plan := &play.Plans[i]
		po := &libpod.PodCreateOptions{Name: plan.Name, Labels: plan.Labels, Hostname: plan.Hostname, Infra: true,
			Runtime: plan.RuntimeClass, Replace: o.replace, ExitPolicy: pods.ExitPolicyStop, Publish: kubePublish(plan),
		}
		if len(o.networks) > 0 {
			// As pod create: the infra joins every network given.
			po.Network, po.MoreNetworks = o.networks[0], o.networks[1:]
		}
		po.EtcFiles.NoHosts = o.noHosts
		// --ip and --mac-address go to the pods in order, as Podman's.
		if i < len(o.ips) {
			po.IP = o.ips[i]
		} else if len(o.ips) > 0 {
			logrus.Warn("No more static ips left using a random one")
		}
		if i < len(o.macs) {
			po.MAC = o.macs[i]
		} else if len(o.macs) > 0 {
			logrus.Warn("No more static macs left using a random one")
		}
		if plan.HostNetwork {
			po.Network, po.MoreNetworks = "host", nil
		}
		if plan.ShareProcess {
			po.Share, po.ShareGiven = "+pid", true
		}
		p, ctrs, err := playPod(ctx, rt, plan, po, o, &undo)
		if err != nil {
			return err
		}
		fmt.Printf("Pod:\n%s\nContainer:\n", p.ID())
		for _, c := range ctrs {
			fmt.Println(c.ID())
		}
		fmt.Println()
	}
	if len(play.Volumes) > 0 {
		fmt.Println("Volumes:")
		for _, v := range play.Volumes {
			fmt.Println(v.Name)
		}
	}
	return nil
}

// playPod creates (and starts) one pod of a plan.
func playPod(ctx context.Context, rt *libpod.Runtime, plan *kube.Plan, po *libpod.PodCreateOptions, o *kubePlayOpts, undo *kubeUndo) (*libpod.Pod, []*libpod.Container, error) {
	// The seccomp annotations are checked before anything is made.
	seccomp := make([]string, len(plan.Containers))
	for i, kc := range plan.Containers {
		var err error
		if seccomp[i], err = kube.Seccomp(plan.Annotations, kc.Name, o.seccompRoot); err != nil {
			return nil, nil, fmt.Errorf("pod %s: %w", plan.Name, err)
		}
	}
	// Podman 4.3: a played pod stops when its last container exited; its
	// containers' hostPorts are the pod's, published by its infra.
	p, err := rt.CreatePod(ctx, po)
	if err != nil {
		return nil, nil, err
	}
	undo.pods = append(undo.pods, p)
	if err := kubeConfigMapVolumes(ctx, rt, plan.ConfigMapVolumes, undo); err != nil {
		return nil, nil, err
	}
	secrets, err := rt.Secrets()
	if err != nil {
		return nil, nil, err
	}
	annotations := map[string]string{}
	for k, v := range plan.Annotations {
		annotations[k] = v
	}
	for k, v := range o.annotations {
		annotations[k] = v
	}
	var ctrs []*libpod.Container
	for i, kc := range plan.Containers {
		co := &libpod.CreateOptions{Image: kc.Image, Pull: "missing", Restart: plan.RestartPolicy, LogDriver: o.logDriver,
			LogOpts: o.logOpts, PullQuiet: o.quiet}
		co.PullFlags = o.pullFlags
		if kc.Init {
			co.Restart = kube.RestartNever // init containers run to completion once
		}
		co.Pod = p.ID()
		s := &co.Spec
		s.Name = plan.Name + "-" + kc.Name
		s.Command, s.WorkDir, s.UserNS = kc.Command, kc.WorkDir, o.userns
		if s.Env, err = kubeSecretEnv(secrets, kc); err != nil {
			return nil, nil, fmt.Errorf("pod %s, container %s: %w", plan.Name, kc.Name, err)
		}
		if len(annotations) > 0 {
			s.Annotations = annotations
		}
		if seccomp[i] != "" {
			s.SecurityOpt = append(s.SecurityOpt, "seccomp="+seccomp[i])
		}
		if kc.Entrypoint != nil {
			ep := kc.Entrypoint
			s.Entrypoint = &ep
		}
		s.Terminal, s.Stdin, s.Privileged, s.ReadOnly, s.User = kc.TTY, kc.Stdin, kc.Privileged, kc.ReadOnly, kc.User
		s.CapAdd, s.CapDrop, s.Memory, s.CPUs = kc.CapAdd, kc.CapDrop, kc.Memory, kc.CPUs
		if s.Volumes, err = kubeVolumeFlags(ctx, rt, p, kc.Mounts, undo); err != nil {
			return nil, nil, err
		}
		c, err := rt.CreateContainer(ctx, co)
		if err != nil {
			return nil, nil, fmt.Errorf("pod %s, container %s: %w", plan.Name, kc.Name, err)
		}
		ctrs = append(ctrs, c)
	}
	if o.start {
		// Init containers run to completion, in order, before the others start.
		for i, c := range ctrs {
			if i < plan.InitCount {
				code, err := c.Run(ctx, nil)
				if err != nil {
					return nil, nil, err
				}
				if code != 0 {
					return nil, nil, fmt.Errorf("pod %s: init container %s exited with %d", plan.Name, plan.Containers[i].Name, code)
				}
				continue
			}
			if err := c.Start(ctx, nil); err != nil {
				return nil, nil, err
			}
		}
	}
	return p, ctrs, nil
}

// kubeVolumeFlags turns a container's mounts into -v values. A mount with
// a subPath binds that path of its volume (kube.ResolveSubPath: inside the
// volume, created when missing as the kubelet does; a configMap's key must
// exist); a claim's volume is created first for it.
func kubeVolumeFlags(ctx context.Context, rt *libpod.Runtime, p *libpod.Pod, mounts []kube.Mount, undo *kubeUndo) ([]string, error) {
	var out []string
	for _, m := range mounts {
		src := m.Source
		if m.EmptyDir {
			var err error
			if src, err = p.EmptyDir(m.Source); err != nil {
				return nil, err
			}
		}
		if m.SubPath != "" {
			root, err := kubeSubPathRoot(ctx, rt, m, src, undo)
			if err != nil {
				return nil, err
			}
			if src, err = kube.ResolveSubPath(root, m.SubPath, !m.ConfigMap); err != nil {
				return nil, fmt.Errorf("volumeMount %s of %s: %w", m.Destination, m.Source, err)
			}
		}
		v := src + ":" + m.Destination
		if m.ReadOnly {
			v += ":ro"
		}
		out = append(out, v)
	}
	return out, nil
}

// kubeSubPathRoot is the host directory a mount's subPath is taken from:
// the hostPath or emptyDir directory, or the named volume's data directory
// (a claim's volume is created when missing, as a mount of it would).
func kubeSubPathRoot(ctx context.Context, rt *libpod.Runtime, m kube.Mount, src string, undo *kubeUndo) (string, error) {
	if !m.Named && !m.ConfigMap {
		return src, nil
	}
	v, err := rt.LookupVolume(m.Source)
	if errors.Is(err, errdefs.ErrNotFound) && m.Named {
		if v, err = rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Name: m.Source, IgnoreIfExists: true}); err == nil {
			undo.volumes = append(undo.volumes, m.Source)
		}
	}
	if err != nil {
		return "", fmt.Errorf("volumeMount %s of %s: %w", m.Destination, m.Source, err)
	}
	if len(v.Config().Options) > 0 {
		return "", fmt.Errorf("volumeMount %s: subPath %q of volume %s: a volume with mount options is mounted at start only: mount the whole volume: %w", m.Destination, m.SubPath, m.Source, errdefs.ErrInvalidArgument)
	}
	return v.Mountpoint(), nil
}
