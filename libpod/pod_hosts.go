package libpod

import (
	"path/filepath"

	"github.com/pod-engine/pod/libpod/internal/etcfiles"
	"github.com/pod-engine/pod/pkg/pods"
)

// podHosts gives the /etc/hosts of a pod's container (infra or member, in a
// pod sharing its network) Podman 4.3.1's pod lines. A pod with addresses
// (a bridge network) has one hosts file, the infra's, bound into every
// member and rewritten at each start: the pod's addresses with its host
// name and the infra's name, then every member's name on 127.0.0.1, so
// members reach each other by name. A pod without addresses (--network
// none, host, an ordinary user's loopback-only pod) gives each container a
// file of its own naming the pod's host name and the container on
// 127.0.0.1, as Podman does.
func (c *Container) podHosts(p *etcfiles.Params) error {
	if c.config.Pod == "" || p.NoHosts {
		return nil
	}
	pod, err := c.rt.LookupPod(c.config.Pod)
	if err != nil {
		return err
	}
	if pod.config.InfraID == "" || !pods.Shares(pod.config.Share, pods.NSNet) {
		return nil
	}
	infra := c
	if !c.config.Infra {
		if infra, err = c.rt.LookupContainer(pod.config.InfraID); err != nil {
			return err
		}
	}
	var addrs etcfiles.Params
	infra.addNetworkFiles(&addrs)
	host := infra.config.Spec.Hostname // the pod's (createInfra); "" with --uts host
	if len(addrs.IPs) == 0 {
		p.Pod = &etcfiles.PodHosts{Names: []string{host, c.config.Name}}
		return nil
	}
	members, err := pod.Containers()
	if err != nil {
		return err
	}
	ph := &etcfiles.PodHosts{IPs: addrs.IPs, Names: []string{host, infra.config.Name}}
	for _, m := range members {
		if !m.config.Infra {
			ph.Members = append(ph.Members, m.config.Name)
		}
	}
	p.Pod, p.IPs = ph, nil
	p.SharedHosts = filepath.Join(infra.runDir(), "hosts")
	return nil
}
