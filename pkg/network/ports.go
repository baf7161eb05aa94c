package network

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// ParsePublish parses -p values: [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO],
// where ports may be ranges (8000-8009) of equal length, IP may be an IPv6
// address in brackets, PROTO is tcp, udp or sctp (or a comma list), and a
// missing or 0 host port means a random free one (picked by AllocatePorts).
func ParsePublish(vals []string) ([]PortMapping, error) {
	var out []PortMapping
	for _, v := range vals {
		m, err := parseOnePublish(v)
		if err != nil {
			return nil, fmt.Errorf("-p %q: %w: %w", v, err, errdefs.ErrInvalidArgument)
		}
		out = append(out, m)
	}
	return out, nil
}

func parseOnePublish(v string) (PortMapping, error) {
	var m PortMapping
	spec, proto, hasProto := strings.Cut(v, "/")
	m.Protocol = "tcp"
	if hasProto {
		for _, p := range strings.Split(proto, ",") {
			if p != "tcp" && p != "udp" && p != "sctp" {
				return m, fmt.Errorf("protocol %q: use tcp, udp or sctp", p)
			}
		}
		m.Protocol = proto
	}
	var hostIP, hostPart, ctrPart string
	if strings.HasPrefix(spec, "[") {
		end := strings.Index(spec, "]")
		if end < 0 || len(spec) < end+2 || spec[end+1] != ':' {
			return m, fmt.Errorf("expected [IPv6]:HOSTPORT:CONTAINERPORT")
		}
		hostIP = spec[1:end]
		rest := strings.Split(spec[end+2:], ":")
		if len(rest) != 2 {
			return m, fmt.Errorf("expected [IPv6]:HOSTPORT:CONTAINERPORT")
		}
		hostPart, ctrPart = rest[0], rest[1]
	} else {
		parts := strings.Split(spec, ":")
		switch len(parts) {
		case 1:
			ctrPart = parts[0]
		case 2:
			hostPart, ctrPart = parts[0], parts[1]
		case 3:
			hostIP, hostPart, ctrPart = parts[0], parts[1], parts[2]
		default:
			return m, fmt.Errorf("expected [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO]")
		}
	}
	if hostIP != "" {
		ip := net.ParseIP(hostIP)
		if ip == nil {
			return m, fmt.Errorf("host IP %q is not an IP address", hostIP)
		}
		m.HostIP = ip.String()
	}
	cStart, cLen, err := parseRange(ctrPart, false)
	if err != nil {
		return m, fmt.Errorf("container port: %w", err)
	}
	m.ContainerPort, m.Range = cStart, cLen
	if hostPart != "" {
		hStart, hLen, err := parseRange(hostPart, true)
		if err != nil {
			return m, fmt.Errorf("host port: %w", err)
		}
		if hStart != 0 && hLen != cLen {
			return m, fmt.Errorf("host range %s and container range %s differ in length", hostPart, ctrPart)
		}
		if hStart == 0 && hLen > 1 {
			return m, fmt.Errorf("host port 0 cannot be a range")
		}
		m.HostPort = hStart
	}
	return m, nil
}

// parseRange parses "N" or "N-M"; 0 is allowed only for a host port.
func parseRange(s string, zeroOK bool) (uint16, uint16, error) {
	a, b, isRange := strings.Cut(s, "-")
	start, err := strconv.ParseUint(a, 10, 16)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a port number (1-65535)", a)
	}
	if start == 0 && (!zeroOK || isRange) {
		return 0, 0, fmt.Errorf("port 0 is not allowed here")
	}
	end := start
	if isRange {
		if end, err = strconv.ParseUint(b, 10, 16); err != nil || end < start {
			return 0, 0, fmt.Errorf("%q is not a port range N-M with N <= M", s)
		}
	}
	return uint16(start), uint16(end - start + 1), nil
}

// ParseExpose parses --expose and the image's EXPOSE entries ("80",
// "80/udp", "8000-8002/tcp") into "PORT/PROTO" keys.
func ParseExpose(vals []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		p, proto, _ := strings.Cut(v, "/")
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" && proto != "sctp" {
			return nil, fmt.Errorf("--expose %q: protocol %q: use tcp, udp or sctp: %w", v, proto, errdefs.ErrInvalidArgument)
		}
		start, n, err := parseRange(p, false)
		if err != nil {
			return nil, fmt.Errorf("--expose %q: %w: %w", v, err, errdefs.ErrInvalidArgument)
		}
		for i := range n {
			k := strconv.Itoa(int(start+i)) + "/" + proto
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// PublishAll adds a random-host-port mapping for each exposed port (-P)
// that is not published already.
func PublishAll(maps []PortMapping, exposed []string) []PortMapping {
	for _, e := range exposed {
		p, proto, _ := strings.Cut(e, "/")
		n, _ := strconv.ParseUint(p, 10, 16)
		done := false
		for _, m := range maps {
			if uint16(n) >= m.ContainerPort && uint16(n) < m.ContainerPort+max(m.Range, 1) && strings.Contains(","+m.Protocol+",", ","+proto+",") {
				done = true
			}
		}
		if !done {
			maps = append(maps, PortMapping{ContainerPort: uint16(n), Protocol: proto, Range: 1})
		}
	}
	return maps
}

// AllocatePorts gives each mapping without a host port a free one on its
// host IP, and checks that the fixed host ports are free now: a port in use
// fails here with the port named, before anything is set up.
func AllocatePorts(maps []PortMapping) ([]PortMapping, error) {
	out := make([]PortMapping, len(maps))
	copy(out, maps)
	for i := range out {
		m := &out[i]
		if m.Range == 0 {
			m.Range = 1
		}
		for _, proto := range strings.Split(m.Protocol, ",") {
			if m.HostPort == 0 {
				port, err := freePort(m.HostIP, proto)
				if err != nil {
					return nil, err
				}
				m.HostPort = port
				continue
			}
			for j := range m.Range {
				if err := checkFree(m.HostIP, m.HostPort+j, proto); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

func hostAddr(ip string, port uint16) string {
	return net.JoinHostPort(ip, strconv.Itoa(int(port)))
}

func freePort(ip, proto string) (uint16, error) {
	switch proto {
	case "udp":
		c, err := net.ListenPacket("udp", hostAddr(ip, 0))
		if err != nil {
			return 0, fmt.Errorf("no free udp port on %q: %w", ip, err)
		}
		defer func() { _ = c.Close() }()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
	default:
		l, err := net.Listen("tcp", hostAddr(ip, 0))
		if err != nil {
			return 0, fmt.Errorf("no free tcp port on %q: %w", ip, err)
		}
		defer func() { _ = l.Close() }()
		return uint16(l.Addr().(*net.TCPAddr).Port), nil
	}
}

func checkFree(ip string, port uint16, proto string) error {
	var err error
	switch proto {
	case "udp":
		var c net.PacketConn
		if c, err = net.ListenPacket("udp", hostAddr(ip, port)); err == nil {
			_ = c.Close()
		}
	case "tcp":
		var l net.Listener
		if l, err = net.Listen("tcp", hostAddr(ip, port)); err == nil {
			_ = l.Close()
		}
	}
	if err != nil {
		shown := ip
		if shown == "" {
			shown = "0.0.0.0"
		}
		return fmt.Errorf("cannot publish port %d/%s on %s: %w: pick another host port: %w", port, proto, shown, err, errdefs.ErrConflict)
	}
	return nil
}
