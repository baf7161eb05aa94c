// Package rootlessnet owns the user-mode networks of containers: a helper
// process, slirp4netns or pasta (Debian's slirp4netns and passt packages),
// connects a network namespace pod made to the host's network with no
// privilege, forwards the published ports and answers DNS. It is what an
// ordinary user gets instead of a bridge (Podman 4.3's rootless default is
// slirp4netns; pasta is Podman 4.4's addition), and root may use it too.
//
// Starting the helpers is go.podman.io/common's libnetwork/slirp4netns and
// libnetwork/pasta; this package adds what pod's daemonless life needs:
//   - slirp4netns gets an exit pipe whose write end (Result.Hold) the
//     container's monitor keeps open for the container's life, as Podman
//     leaks it into conmon: when the container exits, or its monitor is
//     killed, the helper exits too, with no pod process waiting for it;
//   - ports are forwarded by slirp4netns itself through its API socket
//     (port_handler=slirp4netns) rather than Podman's default rootlessport
//     process, and by pasta with its -t/-u options: no extra process;
//   - pasta quits when the namespace's bind mount is removed (its own
//     inotify watch); the helper's pid and start time are recorded next to
//     the namespace so that Stop kills a helper that is somehow still
//     there (a teardown after a crash), never a reused pid;
//   - the user's shared namespace, Podman's "rootless-netns", which
//     `unshare --rootless-netns` enters (shared.go).
package rootlessnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.podman.io/common/libnetwork/pasta"
	"go.podman.io/common/libnetwork/slirp4netns"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/config"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// Kinds of user-mode network.
const (
	Slirp4netns = "slirp4netns"
	Pasta       = "pasta"
)

// Options say what to start for one network namespace.
type Options struct {
	Config *config.Config
	Kind   string // Slirp4netns or Pasta
	ID     string // the owner's ID: names the helper's files in Dir
	NSPath string // the namespace pod made
	Dir    string // where the helper's record and API socket live
	Ports  []types.PortMapping
	Args   []string // the options after "slirp4netns:" / "pasta:"
	// Persistent starts slirp4netns without an exit pipe: it lives until
	// Stop (the user's shared namespace, see Shared).
	Persistent bool
}

// Result is what the helper gives the container.
type Result struct {
	// IPs are the container's addresses (for /etc/hosts).
	IPs []string
	// DNS are the nameservers the helper answers on, listed in
	// /etc/resolv.conf before the host's (slirp4netns's 10.0.2.3, pasta's
	// DNS forwarder).
	DNS []string
	// Hold are files the container's monitor must keep open, and the
	// caller close once the monitor has them: the helper exits when the
	// last copy closes.
	Hold []*os.File
}

// CheckSlirpOptions checks slirp4netns's KEY=VALUE options (Podman's set)
// when --network is parsed, so a bad one fails at create.
func CheckSlirpOptions(opts []string) error {
	for _, o := range opts {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			return fmt.Errorf("option %q: expected KEY=VALUE (allow_host_loopback=, cidr=, enable_ipv6=, mtu=, outbound_addr=, outbound_addr6=, port_handler=)", o)
		}
		switch k {
		case "allow_host_loopback", "enable_ipv6":
			if v != "true" && v != "false" {
				return fmt.Errorf("%s=%s: expected true or false", k, v)
			}
		case "cidr":
			ip, _, err := net.ParseCIDR(v)
			if err != nil || ip.To4() == nil {
				return fmt.Errorf("cidr=%s: not an IPv4 CIDR (e.g. 10.0.2.0/24)", v)
			}
		case "mtu":
			if n, err := strconv.Atoi(v); err != nil || n < 68 || n > 65521 {
				return fmt.Errorf("mtu=%s: expected a number from 68 to 65521", v)
			}
		case "outbound_addr", "outbound_addr6":
			if v == "" {
				return fmt.Errorf("%s=: needs an address or an interface name", k)
			}
		case "port_handler":
			switch v {
			case "slirp4netns":
			case "rootlesskit":
				return errors.New("port_handler=rootlesskit needs Podman's rootlessport process; pod forwards ports with slirp4netns's own API: use port_handler=slirp4netns or leave it out")
			default:
				return fmt.Errorf("port_handler=%s: unknown, use slirp4netns", v)
			}
		default:
			return fmt.Errorf("unknown option %q (allow_host_loopback=, cidr=, enable_ipv6=, mtu=, outbound_addr=, outbound_addr6=, port_handler=)", k)
		}
	}
	return nil
}

// Available says why kind cannot run here (nil when it can): its binary is
// missing, or /dev/net/tun cannot be opened.
func Available(cfg *config.Config, kind string) error {
	if p := cfg.Engine.NetworkCmdPath; kind == Slirp4netns && p != "" {
		// --network-cmd-path / network_cmd_path: slirp4netns's path, as Podman
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return fmt.Errorf("slirp4netns not found at %s (network_cmd_path): %w", p, errdefs.ErrNotFound)
		}
	} else if _, err := cfg.FindHelperBinary(kind, true); err != nil {
		pkg := map[string]string{Pasta: "passt", Slirp4netns: "slirp4netns"}[kind]
		return fmt.Errorf("%s is not installed (Debian: apt-get install %s): %w", kind, pkg, errdefs.ErrNotFound)
	}
	f, err := os.OpenFile("/dev/net/tun", os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("%s needs /dev/net/tun, which this user cannot open (%v): make it mode 0666 as Debian's udev does (chmod 0666 /dev/net/tun): %w", kind, err, errdefs.ErrInvalidArgument)
	}
	f.Close()
	return nil
}

// Start starts the helper for o.NSPath and forwards o.Ports. On failure
// nothing is left running.
func Start(o *Options) (_ *Result, retErr error) {
	if err := Available(o.Config, o.Kind); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			Stop(o.Dir, o.ID)
		}
	}()
	defer defaultSigpipe()()
	switch o.Kind {
	case Slirp4netns:
		return startSlirp(o)
	case Pasta:
		return startPasta(o)
	}
	return nil, fmt.Errorf("unknown user-mode network %q: %w", o.Kind, errdefs.ErrInvalidArgument)
}

// defaultSigpipe lets the helper start with SIGPIPE at its default: pod
// ignores it, an ignored signal stays ignored across exec, and pasta
// 2023-03 dies of that ("Couldn't install signal handlers"). While the
// helper starts, SIGPIPE is caught (never fatal); the returned function
// ignores it again.
func defaultSigpipe() func() {
	if !signal.Ignored(syscall.SIGPIPE) {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGPIPE)
	return func() { signal.Ignore(syscall.SIGPIPE) }
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func startSlirp(o *Options) (*Result, error) {
	var exitR, exitW *os.File
	if !o.Persistent {
		var err error
		if exitR, exitW, err = os.Pipe(); err != nil {
			return nil, err
		}
		defer exitR.Close()
	}
	args := append([]string{}, o.Args...)
	handler := false
	for _, a := range args {
		handler = handler || strings.HasPrefix(a, "port_handler=")
	}
	if !handler {
		args = append(args, "port_handler=slirp4netns")
	}
	// The API socket and the (unlinked) log go to Dir, named by the short
	// ID: a unix socket path has 107 bytes at most.
	cfg := *o.Config
	cfg.Engine.TmpDir = o.Dir
	res, err := slirp4netns.Setup(&slirp4netns.SetupOptions{
		Config: &cfg, ContainerID: shortID(o.ID), Netns: o.NSPath, Ports: o.Ports,
		ExtraOptions: args, Slirp4netnsExitPipeR: exitR,
	})
	if err != nil {
		closeFile(exitW)
		return nil, fmt.Errorf("slirp4netns: %w", err)
	}
	if err := record(o.Dir, o.ID, Slirp4netns, res.Pid); err != nil {
		closeFile(exitW)
		killHelper(res.Pid, 0)
		return nil, err
	}
	r := &Result{}
	if exitW != nil {
		r.Hold = []*os.File{exitW}
	}
	if ip, err := slirp4netns.GetIP(res.Subnet); err == nil {
		r.IPs = append(r.IPs, ip.String())
	}
	if dns, err := slirp4netns.GetDNS(res.Subnet); err == nil {
		r.DNS = append(r.DNS, dns.String())
	}
	return r, nil
}

func closeFile(f *os.File) {
	if f != nil {
		_ = f.Close()
	}
}

func startPasta(o *Options) (*Result, error) {
	pidFile := filepath.Join(o.Dir, shortID(o.ID)+".pasta.pid")
	defer os.Remove(pidFile)
	args := append(append([]string{}, o.Args...), "--pid", pidFile)
	res, err := pasta.Setup(&pasta.SetupOptions{Config: o.Config, Netns: o.NSPath, Ports: o.Ports, ExtraOptions: args})
	pid := 0
	if b, rerr := os.ReadFile(pidFile); rerr == nil {
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if err == nil && pid > 0 {
		err = record(o.Dir, o.ID, Pasta, pid)
	}
	if err != nil {
		if pid > 0 {
			killHelper(pid, 0)
		}
		return nil, fmt.Errorf("pasta: %s", shortError(err))
	}
	r := &Result{DNS: res.DNSForwardIPs}
	for _, ip := range res.IPAddresses {
		r.IPs = append(r.IPs, ip.String())
	}
	return r, nil
}

// shortError is err's message without pasta's usage text and its
// "Failed to send ... to syslog" lines: the first lines say what is wrong.
func shortError(err error) string {
	var keep []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimRight(strings.TrimSpace(l), ":")
		if l == "" || strings.HasPrefix(l, "Failed to send") {
			continue
		}
		if strings.HasPrefix(l, "Usage:") || len(keep) == 3 {
			break
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, ": ")
}

// helperRecord is <Dir>/<ID>.helper.
type helperRecord struct {
	Kind  string `json:"kind"`
	Pid   int    `json:"pid"`
	Start uint64 `json:"start"`
}

func recordPath(dir, id string) string { return filepath.Join(dir, id+".helper") }

func record(dir, id, kind string, pid int) error {
	start, err := pidwatch.StartTime(pid)
	if err != nil || !pidwatch.Running(pid, start) {
		return fmt.Errorf("%s (pid %d) exited right after it started", kind, pid)
	}
	b, _ := json.Marshal(helperRecord{Kind: kind, Pid: pid, Start: start})
	return os.WriteFile(recordPath(dir, id), b, 0o600)
}

// Pid returns the running helper's pid for owner id (0 when none runs).
func Pid(dir, id string) int {
	b, err := os.ReadFile(recordPath(dir, id))
	if err != nil {
		return 0
	}
	var r helperRecord
	if json.Unmarshal(b, &r) != nil {
		return 0
	}
	if r.Start == 0 || !pidwatch.Running(r.Pid, r.Start) {
		return 0
	}
	return r.Pid
}

// Stop ends the helper of owner id if it still runs (normally it has
// exited on its own: its exit pipe closed or its namespace went) and
// removes its files. It runs again safely.
func Stop(dir, id string) {
	if pid := Pid(dir, id); pid > 0 {
		b, _ := os.ReadFile(recordPath(dir, id))
		var r helperRecord
		_ = json.Unmarshal(b, &r)
		killHelper(pid, r.Start)
	}
	_ = os.Remove(recordPath(dir, id))
	_ = os.Remove(filepath.Join(dir, shortID(id)+".net"))
}

// killHelper sends SIGTERM, then SIGKILL after a second, to pid while it
// is the process that started at start (0: any), and waits a second more.
func killHelper(pid int, start uint64) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		if err := pidwatch.Kill(pid, start, sig); err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := pidwatch.WaitExit(ctx, pid, start)
		cancel()
		if err == nil {
			return
		}
	}
}
