package specgen

import (
	"fmt"
	"io"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/selinux/go-selinux/label"
	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/common/pkg/seccomp"
)

// availableCaps is what ALL and --privileged grant: pod's own bounding set
// when known (a runtime cannot grant more), else every capability known here.
func (g *gen) availableCaps() []string {
	if g.h.BoundingCaps == nil {
		return append([]string(nil), allCaps...)
	}
	var out []string
	for _, c := range g.h.BoundingCaps {
		if n, err := normalizeCap(c); err == nil && n != "ALL" && !containsStr(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// capabilities merges the default set (containers.conf default_capabilities,
// else Podman's list) with --cap-add/--cap-drop as Podman does. Root gets the
// set as bounding, effective and permitted; another user gets it as bounding
// and only the --cap-add'ed ones as effective/permitted/inheritable/ambient.
func (g *gen) capabilities() error {
	avail := g.availableCaps()
	var base []string
	switch {
	case g.o.Privileged:
		base = avail
	case len(g.d.Capabilities) > 0:
		for _, c := range g.d.Capabilities {
			n, err := normalizeCap(c)
			if err != nil || n == "ALL" {
				return fmt.Errorf("containers.conf default_capabilities %q: unknown capability: %w", c, errdefs.ErrInvalidArgument)
			}
			base = append(base, n)
		}
	default:
		base = append(base, defaultCaps...)
	}
	adds, drops := g.p.CapAdd, g.p.CapDrop
	addAll, dropAll := containsStr(adds, "ALL"), containsStr(drops, "ALL")
	for i, c := range adds {
		if c != "ALL" && !containsStr(avail, c) {
			return flagError(flagCapAdd, g.o.CapAdd[i], "capability %s is not available: pod itself does not hold it (not in its bounding set)", c)
		}
	}
	var caps []string
	keep := func(c string) {
		if c != "ALL" && containsStr(avail, c) && !containsStr(caps, c) {
			caps = append(caps, c)
		}
	}
	switch {
	case addAll:
		for _, c := range avail {
			if dropAll || !containsStr(drops, c) {
				keep(c)
			}
		}
	case dropAll:
		for _, c := range adds {
			keep(c)
		}
	default:
		for _, list := range [][]string{base, adds} {
			for _, c := range list {
				if !containsStr(drops, c) {
					keep(c)
				}
			}
		}
	}
	for _, c := range base {
		if !containsStr(avail, c) && !containsStr(drops, c) {
			g.warn("default capability %s is dropped: pod itself does not hold it", c)
		}
	}
	caps = sortCaps(caps)
	lc := &specs.LinuxCapabilities{Bounding: caps}
	if g.spec.Process.User.UID == 0 {
		lc.Effective, lc.Permitted = caps, caps
	} else {
		var extra []string
		for _, c := range caps {
			if addAll || containsStr(adds, c) {
				extra = append(extra, c)
			}
		}
		lc.Effective, lc.Permitted, lc.Inheritable, lc.Ambient = extra, extra, extra, extra
	}
	g.spec.Process.Capabilities = lc
	return nil
}

// selinux chooses the process and mount labels with go-selinux (empty when
// SELinux is disabled on the host or by label=disable / --privileged).
func (g *gen) selinux() error {
	opts := g.p.Security.LabelOpts
	if g.o.Privileged && !g.p.Security.LabelDisabled {
		opts = append([]string{"disable"}, opts...)
	}
	processLabel, mountLabel, err := label.InitLabels(opts)
	if err != nil {
		return fmt.Errorf("%s: choosing SELinux labels from %v: %v: %w", flagSecurityOpt, opts, err, errdefs.ErrInvalidArgument)
	}
	g.res.ProcessLabel, g.res.MountLabel = processLabel, mountLabel
	g.spec.Process.SelinuxLabel = processLabel
	g.spec.Linux.MountLabel = mountLabel
	return nil
}

// otherSecurity applies no-new-privileges and AppArmor.
func (g *gen) otherSecurity() error {
	sec := g.p.Security
	nnp := g.d.NoNewPrivs
	if sec.NoNewPrivs != nil {
		nnp = *sec.NoNewPrivs
	}
	g.spec.Process.NoNewPrivileges = nnp
	profile := sec.AppArmor
	if g.o.Privileged && profile == "" {
		profile = "unconfined"
	}
	g.res.AppArmorProfile = profile
	if profile != "" && profile != "unconfined" {
		if g.h.AppArmor {
			g.spec.Process.ApparmorProfile = profile
		} else {
			g.warn("AppArmor is not enabled on this host; apparmor=%s is recorded but not applied", profile)
		}
	}
	return nil
}

// seccomp sets the filter: none for seccomp=unconfined or --privileged
// (unless a profile is named), the named JSON profile, else the profile of
// containers.conf seccomp_profile when that file exists, else Podman's
// built-in default. Profiles are converted by go.podman.io/common/pkg/seccomp
// against the final capability set.
func (g *gen) seccomp() error {
	sec := g.p.Security
	prof, flag, value := sec.Seccomp, flagSecurityOpt, sec.seccompFromOpt
	if prof == "unconfined" || (g.o.Privileged && prof == "") {
		return nil
	}
	if prof == "" && g.d.SeccompProfile != "" {
		if _, err := os.Stat(g.d.SeccompProfile); err == nil {
			prof, flag, value = g.d.SeccompProfile, "containers.conf seccomp_profile", g.d.SeccompProfile
		}
	}
	if !seccompBuilt {
		if prof != "" && prof != g.d.SeccompProfile {
			return flagError(flag, value, "this pod was built without seccomp support (build tag seccomp)")
		}
		return nil
	}
	if prof == "" {
		s, err := seccomp.GetDefaultProfile(g.spec)
		if err != nil {
			g.warn("seccomp: the default profile cannot be applied (%v); running without a seccomp filter", err)
			return nil
		}
		g.spec.Linux.Seccomp = s
		return nil
	}
	if err := checkSeccompFile(flag, value, prof); err != nil {
		return err
	}
	body, err := readLimited(prof, maxSeccompProfile)
	if err != nil {
		return flagError(flag, value, "reading seccomp profile: %v", err)
	}
	s, err := seccomp.LoadProfile(string(body), g.spec)
	if err != nil {
		return flagError(flag, value, "loading seccomp profile: %v", err)
	}
	g.spec.Linux.Seccomp = s
	return nil
}

func readLimited(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}
