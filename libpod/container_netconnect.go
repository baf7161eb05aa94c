package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/common/libnetwork/etchosts"
	"go.podman.io/common/libnetwork/resolvconf"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/network"
)

// NetPending records a network connect or disconnect while it changes the
// container's live namespace. It is saved before the backend runs and
// cleared with the change's own save, so a pod process killed in between
// leaves it behind: the next process that locks the container (its lock
// proves the old one is gone) tears that network down in the namespace
// (settleNetPending). The network is then not connected, as the
// configuration already says, and nothing it held (address, veth,
// firewall rules) stays allocated.
type NetPending struct {
	Op      string                    `json:"op"` // "connect" or "disconnect"
	Network string                    `json:"network"`
	Options network.PerNetworkOptions `json:"options"`
}

// checkConnectable refuses containers that have no networks of their own.
func (c *Container) checkConnectable() error {
	if !c.joinsNetworks() {
		mode := "none"
		if c.config.Net != nil {
			mode = c.config.Net.Kind
		}
		if mode == network.KindContainer {
			mode = "container:" + c.config.Net.Container
		}
		return fmt.Errorf("container %s uses --network %s: only a container on bridge networks (--network bridge or NAME) can be connected to or disconnected from networks: invalid network mode: %w",
			c.config.Name, mode, errdefs.ErrInvalidArgument)
	}
	if c.state.Status == StatusRemoving {
		return fmt.Errorf("container %s is being removed: %w", c.config.Name, errdefs.ErrConflict)
	}
	return nil
}

// liveNetNS reports whether the container's namespace exists now, so a
// connect or disconnect must change it and not only the configuration.
func (c *Container) liveNetNS() bool {
	if c.state.NetNS == "" {
		return false
	}
	_, err := os.Stat(c.state.NetNS)
	return err == nil
}

// ConnectNetwork joins the container to one more network: recorded in its
// configuration, so every later start joins it, and on a container whose
// namespace exists (created, running, paused) set up there at once. On any
// failure the container is left as it was.
func (c *Container) ConnectNetwork(netName string, o network.ConnectOptions) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if err := c.checkConnectable(); err != nil {
		return err
	}
	n, err := c.rt.Networks().InspectIn(c.config.Net.Backend, netName)
	if err != nil {
		return err
	}
	if _, ok := c.config.Net.Networks[n.Name]; ok {
		return fmt.Errorf("container %s is already connected to network %q: network is already connected: %w", c.config.ID, n.Name, errdefs.ErrAlreadyExists)
	}
	opts, err := network.ConnectSpec(n, o)
	if err != nil {
		return err
	}
	nets := maps.Clone(c.config.Net.Networks)
	if nets == nil {
		nets = map[string]network.PerNetworkOptions{}
	}
	network.AssignInterfaces(nets) // the present ones keep their names
	nets[n.Name] = opts
	network.AssignInterfaces(nets) // the new one gets the first free ethN
	newNet := *c.config.Net
	newNet.Networks = nets
	if !c.liveNetNS() {
		c.config.Net = &newNet
		if err := c.saveConfig(); err != nil {
			return err
		}
		c.netEvent(events.Connect, n.Name)
		return nil
	}
	c.state.NetPending = &NetPending{Op: "connect", Network: n.Name, Options: nets[n.Name]}
	if err := c.save(); err != nil {
		return err
	}
	req := c.netRequest()
	req.Networks = nets
	sb, err := c.rt.Networks().Connect(req, n.Name)
	if err != nil {
		c.state.NetPending = nil
		return errors.Join(err, c.save())
	}
	oldNet, oldStatus := c.config.Net, c.state.NetStatus
	c.config.Net = &newNet
	c.state.NetStatus = maps.Clone(oldStatus)
	if c.state.NetStatus == nil {
		c.state.NetStatus = map[string]network.StatusBlock{}
	}
	c.state.NetStatus[n.Name] = sb
	c.state.NetPending = nil
	if err := c.saveConfigAndState(); err != nil {
		// Undo in the namespace; the saved pending record lets the next
		// locker finish this if the undo fails too.
		if derr := c.rt.Networks().Disconnect(req, n.Name); derr == nil {
			c.config.Net, c.state.NetStatus = oldNet, oldStatus
			_ = c.save()
		}
		return err
	}
	c.editNetworkFiles(oldStatus, n.Name, sb, true)
	c.netEvent(events.Connect, n.Name)
	return nil
}

// DisconnectNetwork removes the container from a network: from its
// configuration, and from its namespace when that exists. A teardown that
// fails keeps the container connected, unless force drops the network
// anyway (the failure is then a warning).
func (c *Container) DisconnectNetwork(netName string, force bool) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if err := c.checkConnectable(); err != nil {
		return err
	}
	name := netName
	n, err := c.rt.Networks().InspectIn(c.config.Net.Backend, netName)
	switch {
	case err == nil:
		name = n.Name
	case !errors.Is(err, errdefs.ErrNotFound):
		return err
	default:
		if _, ok := c.config.Net.Networks[netName]; !ok {
			return err // unknown network
		}
		// The network's definition is gone; it can still be left.
	}
	if _, ok := c.config.Net.Networks[name]; !ok {
		return fmt.Errorf("container %s is not connected to network %s: %w", c.config.Name, name, errdefs.ErrInvalidArgument)
	}
	nets := maps.Clone(c.config.Net.Networks)
	network.AssignInterfaces(nets)
	opts := nets[name]
	delete(nets, name)
	oldNet, oldStatus := c.config.Net, c.state.NetStatus
	newNet := *c.config.Net
	newNet.Networks = nets
	c.config.Net = &newNet
	if !c.liveNetNS() {
		if err := c.saveConfig(); err != nil {
			return err
		}
		c.netEvent(events.Disconnect, name)
		return nil
	}
	c.state.NetStatus = maps.Clone(oldStatus)
	delete(c.state.NetStatus, name)
	c.state.NetPending = &NetPending{Op: "disconnect", Network: name, Options: opts}
	if err := c.saveConfigAndState(); err != nil {
		return err
	}
	req := c.netRequest()
	req.Networks = map[string]network.PerNetworkOptions{name: opts}
	if err := c.rt.Networks().Disconnect(req, name); err != nil {
		if !force {
			c.config.Net, c.state.NetStatus, c.state.NetPending = oldNet, oldStatus, nil
			return errors.Join(fmt.Errorf("%w (network disconnect -f drops the network anyway)", err), c.saveConfigAndState())
		}
		c.rt.warnf("container %s: %v", c.config.Name, err)
	}
	c.state.NetPending = nil
	if err := c.save(); err != nil {
		return err
	}
	c.editNetworkFiles(c.state.NetStatus, name, oldStatus[name], false)
	c.netEvent(events.Disconnect, name)
	return nil
}

// settleNetPending finishes what a killed connect or disconnect left in
// the namespace: the network it was adding or removing is torn down there
// (the configuration does not list it either way). The container is locked.
func (c *Container) settleNetPending() {
	p := c.state.NetPending
	if p == nil {
		return
	}
	if c.liveNetNS() {
		req := c.netRequest()
		req.Networks = map[string]network.PerNetworkOptions{p.Network: p.Options}
		if err := c.rt.Networks().Disconnect(req, p.Network); err != nil {
			c.rt.debugf("container %s: settling an interrupted network %s of %s: %v", c.config.Name, p.Op, p.Network, err)
		}
	}
	if p.Op == "connect" {
		delete(c.state.NetStatus, p.Network)
	}
	c.state.NetPending = nil
	if err := c.save(); err != nil {
		c.rt.warnf("container %s: %v", c.config.Name, err)
	}
}

// saveConfigAndState writes both at once (a network and its addresses).
func (c *Container) saveConfigAndState() error {
	db, err := c.rt.state()
	if err != nil {
		return err
	}
	cfg, err := json.Marshal(&c.config)
	if err != nil {
		return err
	}
	st, err := json.Marshal(&c.state)
	if err != nil {
		return err
	}
	return db.SaveConfigAndState(c.config.ID, cfg, st)
}

// editNetworkFiles adds (or removes) network name's addresses in the
// running container's /etc/hosts and its DNS servers in /etc/resolv.conf,
// in place (the files are bind mounts), as Podman's network connect does.
// others are the container's addresses on its other networks.
func (c *Container) editNetworkFiles(others map[string]network.StatusBlock, name string, sb network.StatusBlock, add bool) {
	hosts := filepath.Join(c.runDir(), "hosts")
	names := []string{c.config.Name}
	if h, err := os.ReadFile(filepath.Join(c.runDir(), "hostname")); err == nil && strings.TrimSpace(string(h)) != "" {
		names = append([]string{strings.TrimSpace(string(h))}, names...)
	}
	var errs []error
	if _, err := os.Stat(hosts); err == nil && !c.config.Spec.NoHosts {
		entries := etchosts.GetNetworkHostEntries(map[string]network.StatusBlock{name: sb}, names...)
		if add {
			rest := maps.Clone(others)
			delete(rest, name)
			errs = append(errs, etchosts.AddIfExists(hosts, etchosts.GetNetworkHostEntries(rest, names...), entries))
		} else {
			errs = append(errs, etchosts.Remove(hosts, entries))
		}
	}
	resolv := filepath.Join(c.runDir(), "resolv.conf")
	if _, err := os.Stat(resolv); err == nil && len(sb.DNSServerIPs) > 0 && len(c.config.Spec.DNS) == 0 {
		servers := make([]string, 0, len(sb.DNSServerIPs))
		for _, ip := range sb.DNSServerIPs {
			servers = append(servers, ip.String())
		}
		if add {
			errs = append(errs, resolvconf.Add(resolv, servers))
		} else {
			errs = append(errs, resolvconf.Remove(resolv, servers))
		}
	}
	if err := errors.Join(errs...); err != nil {
		c.rt.warnf("container %s: updating /etc/hosts or /etc/resolv.conf: %v", c.config.Name, err)
	}
}

// netEvent records a network connect or disconnect event.
func (c *Container) netEvent(st events.Status, name string) {
	e := c.newEvent(st)
	e.Type, e.Network, e.Attributes = events.Network, name, nil
	c.rt.writeEvent(e)
}
