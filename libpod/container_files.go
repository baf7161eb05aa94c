package libpod

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/etcfiles"
	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// setupFiles writes the files pod manages in the container (/etc/hostname,
// /etc/hosts, /etc/resolv.conf, /run/.containerenv) into its run directory,
// binds them into spec, and adds the passwd and group entries specgen found
// missing to the container's root filesystem.
func (c *Container) setupFiles(spec *specs.Spec, res *specgen.Result, rootfs string) error {
	s := &c.config.Spec
	params := &etcfiles.Params{
		Engine:     "pod",
		ID:         c.config.ID,
		Name:       c.config.Name,
		Image:      c.config.ImageName,
		ImageID:    c.config.ImageID,
		Rootless:   false,
		Privileged: s.Privileged,
		Hostname:   spec.Hostname,
		Network:    s.Network,
		Skip:       specgen.MountDestinations(spec),
		ChrootDirs: s.ChrootDirs,
		NoHosts:    s.NoHosts,
		AddHosts:   addHosts(s.AddHosts),
		DNS:        s.DNS,
		DNSSearch:  s.DNSSearch,
		DNSOptions: s.DNSOptions,
	}
	c.addNetworkFiles(params)
	if err := c.podHosts(params); err != nil {
		return err
	}
	mounts, err := etcfiles.Write(c.runDir(), params)
	if err != nil {
		return err
	}
	files := make([]specgen.FileMount, 0, len(mounts))
	for _, m := range mounts {
		files = append(files, specgen.FileMount{Destination: m.Destination, Source: m.Source})
	}
	specgen.AddFileMounts(spec, files)
	if !c.config.Storage {
		return nil // a --rootfs directory is the user's: pod does not write into it
	}
	for _, l := range []struct{ file, line string }{
		{"/etc/passwd", res.UserPasswdLine}, {"/etc/group", res.UserGroupLine}, {"/etc/passwd", res.PasswdLine},
	} {
		if l.line == "" {
			continue
		}
		if err := etcfiles.AppendLine(rootfs, l.file, l.line); err != nil {
			return err
		}
	}
	for _, u := range s.HostUsers {
		if err := etcfiles.AddHostUser(rootfs, "", u); err != nil {
			return err
		}
	}
	if res.GroupLine != "" {
		if err := etcfiles.AppendLine(rootfs, "/etc/group", res.GroupLine); err != nil {
			return err
		}
	}
	return nil
}

// addHosts splits the --add-host values (checked at create) into pairs.
func addHosts(vals []string) [][2]string {
	var out [][2]string
	for _, v := range vals {
		if name, ip, err := specgen.ParseAddHost(v); err == nil {
			out = append(out, [2]string{name, ip})
		}
	}
	return out
}
