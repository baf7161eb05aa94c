// Package etcfiles writes the files pod manages inside every container, as
// Podman does: /run/.containerenv, /etc/hostname, /etc/hosts and
// /etc/resolv.conf. Their content is a pure function of Params and of the
// host's /etc/hosts and /etc/resolv.conf; Write puts them in the container's
// run directory and returns the bind mounts for them. pod has no network
// subsystem's addresses come in Params; without any, /etc/hosts names the
// container on the loopback address.
package etcfiles

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Params describe the container the files are written for.
type Params struct {
	Engine     string // engine="…" of .containerenv, e.g. "pod-0.1.0"
	ID, Name   string
	Image      string // image name as resolved at create ("" with --rootfs)
	ImageID    string
	Rootless   bool
	Privileged bool   // .containerenv lists the container only with --privileged, as Podman
	Hostname   string // the container's host name ("" with --uts host: the host's)
	// Network is --network: "" (pod's default, a private loopback-only
	// namespace), "none", "host" or "ns:PATH". Podman gives no
	// /etc/resolv.conf with --network none.
	Network string
	NoHosts bool // --no-hosts: leave the image's /etc/hosts alone
	// IPs are the container's addresses on its networks: /etc/hosts maps
	// its names to them instead of 127.0.0.1.
	IPs []string
	// NetworkDNS and NetworkSearch are the networks' DNS servers (aardvark)
	// and search domains: they replace the host's nameservers unless --dns
	// is given.
	NetworkDNS, NetworkSearch []string
	// HelperDNS are a user-mode network's nameservers (slirp4netns's
	// 10.0.2.3, pasta's forwarder), listed before the host's, as Podman.
	HelperDNS []string
	// AddHosts are --add-host entries, [name, ip] pairs, listed first.
	AddHosts [][2]string
	// HostInternal is the address of host.containers.internal (Podman's
	// name for the host as the container reaches it); "" writes none, as
	// does an --add-host of that name.
	HostInternal string
	// DNS, DNSSearch and DNSOptions replace the host's nameservers,
	// search domains ("." = none) and options.
	DNS, DNSSearch, DNSOptions []string
	// HostsFile and ResolvConf are the host's files used as the base
	// (defaults /etc/hosts and /etc/resolv.conf).
	HostsFile, ResolvConf string
	// Skip are container paths the user mounts something on: pod manages no
	// file there.
	Skip map[string]bool
	// ChrootDirs (--chrootdirs) get the managed /etc files too.
	ChrootDirs []string
	// Pod are the /etc/hosts lines of a pod's container (the infra's or a
	// member's); nil for a container outside a pod sharing its network.
	Pod *PodHosts
	// SharedHosts is the one /etc/hosts file of a pod's containers: it is
	// rewritten in place (the running ones have it bound) instead of a
	// file of the container's own.
	SharedHosts string
}

// PodHosts are the pod lines of /etc/hosts, as Podman 4.3.1 writes them:
// the pod's addresses (127.0.0.1 when it has none) with Names (the pod's
// host name and the infra's name, or in a pod without addresses the
// container's own name), then each member's name on 127.0.0.1, so that
// members reach each other by name.
type PodHosts struct {
	IPs     []string
	Names   []string
	Members []string
}

// Mount is one managed file: Source (in the run directory) bound at Destination.
type Mount struct {
	Destination, Source string
}

// ContainerEnv is the content of /run/.containerenv: empty, or with
// --privileged the container's identity in Podman's format.
func ContainerEnv(p *Params) string {
	if !p.Privileged {
		return ""
	}
	rootless := 0
	if p.Rootless {
		rootless = 1
	}
	return fmt.Sprintf("engine=%q\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=%d\n",
		p.Engine, p.Name, p.ID, p.Image, p.ImageID, rootless)
}

// Hosts is the container's /etc/hosts: --add-host entries, the host's entries,
// then the container's host name and name on 127.0.0.1 (Podman's line for a
// container without a network address).
func Hosts(base []byte, p *Params) string {
	var b strings.Builder
	for _, h := range p.AddHosts {
		b.WriteString(h[1] + "\t" + h[0] + "\n")
	}
	// Podman rewrites the base file's entries as "IP<TAB>NAMES" and drops comments.
	for _, line := range strings.Split(string(base), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if f := strings.Fields(line); len(f) >= 2 {
			b.WriteString(f[0] + "\t" + strings.Join(f[1:], " ") + "\n")
		}
	}
	if p.HostInternal != "" && !addsHost(p.AddHosts, HostInternalName) {
		b.WriteString(p.HostInternal + "\t" + HostInternalName + "\n")
	}
	if p.Pod != nil {
		podHostsLines(&b, p.Pod)
		return b.String()
	}
	names := []string{}
	for _, n := range []string{p.Hostname, p.Name} {
		if n != "" && !containsStr(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		ips := p.IPs
		if len(ips) == 0 {
			ips = []string{"127.0.0.1"}
		}
		for _, ip := range ips {
			b.WriteString(ip + "\t" + strings.Join(names, " ") + "\n")
		}
	}
	return b.String()
}

// HostInternalName is the host's name in every container's /etc/hosts.
const HostInternalName = "host.containers.internal"

func addsHost(hosts [][2]string, name string) bool {
	for _, h := range hosts {
		for _, n := range strings.Fields(h[0]) {
			if n == name {
				return true
			}
		}
	}
	return false
}

func podHostsLines(b *strings.Builder, ph *PodHosts) {
	var names []string
	for _, n := range ph.Names {
		if n != "" && !containsStr(names, n) {
			names = append(names, n)
		}
	}
	ips := ph.IPs
	if len(ips) == 0 {
		ips = []string{"127.0.0.1"}
	}
	if len(names) > 0 {
		for _, ip := range ips {
			b.WriteString(ip + "\t" + strings.Join(names, " ") + "\n")
		}
	}
	for _, m := range ph.Members {
		if !containsStr(names, m) {
			b.WriteString("127.0.0.1\t" + m + "\n")
		}
	}
}

// ResolvConf is the container's /etc/resolv.conf: the host's file; in a
// network namespace of its own, nameservers on the host's loopback cannot
// be reached and are dropped, with Podman's public fallbacks when none is left.
// --dns, --dns-search and --dns-option replace the host's lines of that kind.
func ResolvConf(host []byte, ownNetNS bool, p *Params) string {
	if len(p.NetworkDNS) > 0 && len(p.DNS) == 0 {
		q := *p
		q.DNS = p.NetworkDNS
		if len(p.DNSSearch) == 0 {
			q.DNSSearch = append(append([]string{}, p.NetworkSearch...), hostSearch(host)...)
		}
		p = &q
	}
	if !ownNetNS && len(p.DNS)+len(p.DNSSearch)+len(p.DNSOptions)+len(p.HelperDNS) == 0 {
		return string(host)
	}
	var b strings.Builder
	if len(p.DNSSearch) > 0 && !(len(p.DNSSearch) == 1 && p.DNSSearch[0] == ".") {
		b.WriteString("search " + strings.Join(p.DNSSearch, " ") + "\n")
	}
	for _, ns := range p.DNS {
		b.WriteString("nameserver " + ns + "\n")
	}
	servers := len(p.DNS)
	if len(p.DNS) == 0 {
		for _, ns := range p.HelperDNS {
			b.WriteString("nameserver " + ns + "\n")
			servers++
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		switch {
		case len(f) >= 1 && (f[0] == "search" || f[0] == "domain") && len(p.DNSSearch) > 0:
			continue
		case len(f) >= 1 && f[0] == "options" && len(p.DNSOptions) > 0:
			continue
		case len(f) >= 1 && f[0] == "nameserver":
			if len(p.DNS) > 0 {
				continue
			}
			if ip := net.ParseIP(f[len(f)-1]); ownNetNS && ip != nil && ip.IsLoopback() {
				continue
			}
			servers++
		}
		b.WriteString(line + "\n")
	}
	if servers == 0 {
		b.WriteString("nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
	}
	if len(p.DNSOptions) > 0 {
		b.WriteString("options " + strings.Join(p.DNSOptions, " ") + "\n")
	}
	return b.String()
}

// hostSearch is the host's search domains.
func hostSearch(host []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 1 && (f[0] == "search" || f[0] == "domain") {
			out = append(out, f[1:]...)
		}
	}
	return out
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Write writes the managed files into dir (the container's run directory)
// and returns their mounts, also under each chroot directory. A file whose
// destination is in p.Skip is left out.
func Write(dir string, p *Params) ([]Mount, error) {
	files := []struct {
		dest, name string
		content    func() (string, error)
	}{
		{"/run/.containerenv", ".containerenv", func() (string, error) { return ContainerEnv(p), nil }},
		{"/etc/hostname", "hostname", func() (string, error) { return p.Hostname, nil }},
		{"/etc/hosts", "hosts", func() (string, error) {
			base, err := readOptional(p.HostsFile, "/etc/hosts")
			return Hosts(base, p), err
		}},
		{"/etc/resolv.conf", "resolv.conf", func() (string, error) {
			host, err := readOptional(p.ResolvConf, "/etc/resolv.conf")
			return ResolvConf(host, p.Network != "host", p), err
		}},
	}
	var mounts []Mount
	for _, f := range files {
		switch {
		case p.Skip[f.dest]:
			continue
		case f.dest == "/etc/hostname" && p.Hostname == "":
			continue
		case f.dest == "/etc/hosts" && p.NoHosts:
			continue
		case f.dest == "/etc/resolv.conf" && p.Network == "none":
			continue
		}
		content, err := f.content()
		if err != nil {
			return nil, err
		}
		src := filepath.Join(dir, f.name)
		write := writeFile
		if f.dest == "/etc/hosts" && p.SharedHosts != "" {
			src, write = p.SharedHosts, rewriteInPlace
		}
		if err := write(src, content); err != nil {
			return nil, err
		}
		mounts = append(mounts, Mount{Destination: f.dest, Source: src})
		if strings.HasPrefix(f.dest, "/etc/") {
			for _, c := range p.ChrootDirs {
				if d := path.Join(c, f.dest); !p.Skip[d] {
					mounts = append(mounts, Mount{Destination: d, Source: src})
				}
			}
		}
	}
	return mounts, nil
}

// readOptional reads p (or def when p is empty); a missing file is empty.
func readOptional(p, def string) ([]byte, error) {
	if p == "" {
		p = def
	}
	data, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("reading %s for the container: %w", p, err)
	}
	return data, nil
}

// writeFile replaces name atomically, world-readable (the container's user
// must read it), so a running container never sees half a file.
func writeFile(name, content string) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// rewriteInPlace replaces the content of name without replacing the file,
// which running containers have bound; an exclusive flock keeps two
// writers (members starting at once) from mixing their writes.
func rewriteInPlace(name, content string) error {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("locking %s: %w", name, err)
	}
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if _, err := f.WriteAt([]byte(content), 0); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return f.Chmod(0o644)
}

// AppendLine adds line to the file name (/etc/passwd or /etc/group) of the
// container's root filesystem, creating it when missing; symlinks resolve
// inside rootfs. It is how Podman gives a numeric user a passwd entry.
func AppendLine(rootfs, name, line string) error {
	p, err := securejoin.SecureJoin(rootfs, name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("reading %s of the container: %w", name, err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l == line {
			return nil
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		line = "\n" + line
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("adding to %s of the container: %w", name, err)
	}
	_, err = f.WriteString(line + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// PasswdEntry returns the line of the passwd file data whose name (or, for
// a number, uid) is user ("" when there is none).
func PasswdEntry(data []byte, user string) string {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 7 && !strings.HasPrefix(line, "#") && (f[0] == user || f[2] == user) {
			return line
		}
	}
	return ""
}

// AddHostUser copies the host's passwd entry of user (--hostuser, a name or
// uid) into the container's /etc/passwd unless the container has that user.
func AddHostUser(rootfs, hostPasswd, user string) error {
	host, err := readOptional(hostPasswd, "/etc/passwd")
	if err != nil {
		return err
	}
	line := PasswdEntry(host, user)
	if line == "" {
		return fmt.Errorf("--hostuser %q: no such user in the host's /etc/passwd: %w", user, errdefs.ErrNotFound)
	}
	p, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return err
	}
	ctr, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if PasswdEntry(ctr, strings.SplitN(line, ":", 2)[0]) != "" {
		return nil
	}
	return AppendLine(rootfs, "/etc/passwd", line)
}
