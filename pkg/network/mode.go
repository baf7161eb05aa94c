package network

import (
	"fmt"
	"net"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network/rootlessnet"
)

// Mode kinds of --network.
const (
	KindBridge    = "bridge"      // one or more networks of the backend
	KindNone      = "none"        // a private namespace with loopback only
	KindHost      = "host"        // the host's namespace
	KindPath      = "ns"          // an existing namespace at Path
	KindContainer = "container"   // another container's namespace
	KindPasta     = "pasta"       // user-mode networking by pasta (package rootlessnet)
	KindSlirp     = "slirp4netns" // user-mode networking by slirp4netns (package rootlessnet)
)

// Mode is a parsed --network value.
type Mode struct {
	Kind      string
	Path      string // KindPath
	Container string // KindContainer: name or ID
	// Networks are the networks joined with KindBridge, by name, with the
	// options given after NAME: ("bridge" alone joins the default network).
	Networks map[string]PerNetworkOptions
	// Options are the user-mode helper's options (KindSlirp: KEY=VALUE,
	// KindPasta: pasta(1) arguments), as given after "slirp4netns:" or
	// "pasta:", split at commas.
	Options []string
}

// Joins reports whether the container gets addresses from the backend.
func (m Mode) Joins() bool { return m.Kind == KindBridge }

// OwnsNamespace reports whether pod makes a network namespace for a
// container of this kind and sets it up (Manager.Attach): bridge networks
// and the user-mode helpers.
func OwnsNamespace(kind string) bool {
	return kind == KindBridge || IsUserMode(kind)
}

// IsUserMode reports whether kind is a user-mode network (slirp4netns or
// pasta): a helper process pod starts forwards the container's traffic and
// its published ports, with no privilege on the host.
func IsUserMode(kind string) bool { return kind == KindSlirp || kind == KindPasta }

// Publishes reports whether ports can be published with this mode.
func (m Mode) Publishes() bool { return OwnsNamespace(m.Kind) }

// ParseMode parses --network for root: "" and "private" are the default
// network, as Podman's default for root.
func ParseMode(v, defaultNetwork string) (Mode, error) {
	bad := func(format string, a ...any) (Mode, error) {
		return Mode{}, fmt.Errorf("--network %q: "+format+": %w", append([]any{v}, append(a, errdefs.ErrInvalidArgument)...)...)
	}
	switch v {
	case "", "private", "bridge", "default":
		return Mode{Kind: KindBridge, Networks: map[string]PerNetworkOptions{defaultNetwork: {}}}, nil
	case "none", "host", KindSlirp, KindPasta:
		return Mode{Kind: v}, nil
	}
	kind, rest, hasColon := strings.Cut(v, ":")
	switch kind {
	case "ns":
		if !strings.HasPrefix(rest, "/") {
			return bad("ns: needs an absolute namespace path, e.g. ns:/run/netns/NAME")
		}
		return Mode{Kind: KindPath, Path: rest}, nil
	case "container":
		if rest == "" {
			return bad("container: needs a container name or ID")
		}
		return Mode{Kind: KindContainer, Container: rest}, nil
	case KindSlirp, KindPasta:
		opts := strings.Split(rest, ",")
		for _, o := range opts {
			if o == "" {
				return bad("empty option; give %s:OPT[,OPT...]", kind)
			}
		}
		if kind == KindSlirp {
			if err := rootlessnet.CheckSlirpOptions(opts); err != nil {
				return bad("%v", err)
			}
		}
		return Mode{Kind: kind, Options: opts}, nil
	case "bridge", "none", "host", "private":
		return bad("%s takes no options", kind)
	}
	// NAME[:opt=val,...] (several networks: NAME,NAME2 is refused as Podman does).
	if err := CheckName(kind); err != nil {
		return bad("unknown network mode or bad network name; use bridge, none, host, slirp4netns, pasta, ns:PATH, container:ID or a network name")
	}
	var o PerNetworkOptions
	if hasColon {
		for _, kvs := range strings.Split(rest, ",") {
			k, val, ok := strings.Cut(kvs, "=")
			if !ok || val == "" {
				return bad("option %q: expected KEY=VALUE (ip=, ip6=, alias=, mac=, interface_name=)", kvs)
			}
			switch k {
			case "ip", "ip6":
				ip := net.ParseIP(val)
				if ip == nil || (k == "ip" && ip.To4() == nil) || (k == "ip6" && ip.To4() != nil) {
					return bad("%s=%s: not an IPv%s address", k, val, map[string]string{"ip": "4", "ip6": "6"}[k])
				}
				o.StaticIPs = append(o.StaticIPs, ip)
			case "alias":
				o.Aliases = append(o.Aliases, val)
			case "mac":
				mac, err := net.ParseMAC(val)
				if err != nil {
					return bad("mac=%s: not a MAC address", val)
				}
				o.StaticMAC = HardwareAddr(mac)
			case "interface_name":
				if err := CheckName(val); err != nil || len(val) > 15 {
					return bad("interface_name=%s: not a valid interface name", val)
				}
				o.InterfaceName = val
			default:
				return bad("unknown option %q (ip=, ip6=, alias=, mac=, interface_name=)", k)
			}
		}
	}
	return Mode{Kind: KindBridge, Networks: map[string]PerNetworkOptions{kind: o}}, nil
}

// ParseModes parses --network given more than once, as Podman: every value
// must be a network (NAME[:opts], or bridge for the default one) and the
// container joins them all, one interface each; a network named twice is
// joined once, its options merged.
func ParseModes(vals []string, defaultNetwork string) (Mode, error) {
	if len(vals) == 0 {
		return ParseMode("", defaultNetwork)
	}
	var out Mode
	for i, v := range vals {
		m, err := ParseMode(v, defaultNetwork)
		if err != nil {
			return Mode{}, err
		}
		if len(vals) > 1 && !m.Joins() {
			return Mode{}, fmt.Errorf("--network %s: cannot set multiple networks without bridge network mode, selected mode %s: %w", strings.Join(vals, " --network "), m.Kind, errdefs.ErrInvalidArgument)
		}
		if i == 0 {
			out = m
			continue
		}
		for name, o := range m.Networks {
			have := out.Networks[name]
			have.StaticIPs = append(have.StaticIPs, o.StaticIPs...)
			have.Aliases = append(have.Aliases, o.Aliases...)
			if o.StaticMAC != nil {
				have.StaticMAC = o.StaticMAC
			}
			if o.InterfaceName != "" {
				have.InterfaceName = o.InterfaceName
			}
			out.Networks[name] = have
		}
	}
	return out, nil
}

// ApplyFlags adds --ip, --ip6, --mac-address and --network-alias to the one
// network of a bridge mode. A bad value is named first, whatever the mode
// (as Podman, which parses them before it looks at the network).
func (m *Mode) ApplyFlags(ip, ip6, mac string, aliases []string) error {
	if ip == "" && ip6 == "" && mac == "" && len(aliases) == 0 {
		return nil
	}
	ips, hw, err := parseStatic(ip, ip6, mac)
	if err != nil {
		return err
	}
	if !m.Joins() {
		return fmt.Errorf("--ip, --ip6, --mac-address and --network-alias need a network (--network bridge or NAME), not %q: %w", m.Kind, errdefs.ErrInvalidArgument)
	}
	if len(m.Networks) != 1 {
		return fmt.Errorf("--ip, --ip6, --mac-address and --network-alias can only be set for a single network: give them per network (--network NAME:ip=IP,mac=MAC,alias=NAME): %w", errdefs.ErrInvalidArgument)
	}
	for name, o := range m.Networks {
		o.StaticIPs = append(o.StaticIPs, ips...)
		if hw != nil {
			o.StaticMAC = HardwareAddr(hw)
		}
		o.Aliases = append(o.Aliases, aliases...)
		m.Networks[name] = o
	}
	return nil
}

// parseStatic checks --ip, --ip6 and --mac-address (each may be empty).
func parseStatic(ip, ip6, mac string) (ips []net.IP, hw net.HardwareAddr, err error) {
	if ip != "" {
		p := net.ParseIP(ip)
		if p == nil || p.To4() == nil {
			return nil, nil, fmt.Errorf("--ip %q: not an IPv4 address: %w", ip, errdefs.ErrInvalidArgument)
		}
		ips = append(ips, p)
	}
	if ip6 != "" {
		p := net.ParseIP(ip6)
		if p == nil || p.To4() != nil {
			return nil, nil, fmt.Errorf("--ip6 %q: not an IPv6 address: %w", ip6, errdefs.ErrInvalidArgument)
		}
		ips = append(ips, p)
	}
	if mac != "" {
		if hw, err = net.ParseMAC(mac); err != nil {
			return nil, nil, fmt.Errorf("--mac-address %q: not a MAC address: %w", mac, errdefs.ErrInvalidArgument)
		}
	}
	return ips, hw, nil
}
