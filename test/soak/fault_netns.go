package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// netnsFault runs containers on a bridge network of its own (a private
// name and subnet, so what is left is this fault's) and, each round:
//
//   - removes the network namespace of a running container as `ip netns del`
//     does (its bind mount unmounted, the file removed): ps, exec and rm -f
//     must still work;
//   - SIGKILLs `run -d --network NET` at a random point in 0–800 ms, which
//     spans the namespace's creation and the backend's setup: the state must
//     be true and rm -f must clean up.
//
// It runs max(1, rounds/2) rounds. After rm -fa, besides the usual leftovers, it counts the network's:
// namespaces left in the runroot, host veths still attached to the
// network's bridge, firewall rules (iptables-save, nft list ruleset) naming
// a container of the fault or the subnet, and addresses the IPAM still
// holds (CNI host-local's files; netavark's ipam.db is not read).
func netnsFault(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	subnet, err := freeSubnet(rng)
	if err != nil {
		f.problem("%v", err)
		return
	}
	net := "soak-" + e.token[:8]
	if r := e.run("network", "create", "--subnet", subnet+".0/24", net); r.code != 0 {
		f.problem("network create: %s", r)
		return
	}
	defer func() {
		if r := e.run("network", "rm", "-f", net); r.code != 0 {
			f.problem("network rm: %s", r)
		}
	}()
	bridge := ""
	if r := e.run("network", "inspect", "--format", "{{.NetworkInterface}}", net); r.code == 0 {
		bridge = strings.TrimSpace(r.stdout)
	}
	backend := ""
	if r := e.run("info", "--format", "{{.Host.NetworkBackend}}"); r.code == 0 {
		backend = strings.TrimSpace(r.stdout)
	}
	f.note("network %s (backend %s, bridge %s, subnet %s.0/24)", net, backend, bridge, subnet)
	// After info, whose runtime cache (runtimes.json) is not a leftover.
	baseline := e.files()
	b := e.startBystander(f)
	var ids []string
	idOf := func(name string) {
		if r := e.run("inspect", "--format", "{{.Id}}", name); r.code == 0 {
			ids = append(ids, strings.TrimSpace(r.stdout))
		}
	}
	landed := 0
	// Half the rounds of the other faults (each round is two containers on
	// a bridge network): one in soak-small, ten in the full soak.
	for i := 0; i < max(1, c.rounds/2); i++ {
		f.Rounds++
		// The namespace removed under a running container.
		name := fmt.Sprintf("netns-del_%d_%s", i, e.token[:6])
		r := e.run(append(append([]string{"run", "-d", "--name", name, "--network", net}, e.ctrArgs()...), image, "sleep", "1000")...)
		if r.code != 0 {
			f.problem("run -d --network %s: %s", net, r)
		} else {
			idOf(name)
			when := name + " after its namespace was removed"
			if r := e.run("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", name); r.code != 0 || strings.TrimSpace(r.stdout) == "" {
				f.problem("%s: no namespace path: %s", name, r)
			} else {
				ns := strings.TrimSpace(r.stdout)
				if err := syscall.Unmount(ns, syscall.MNT_DETACH); err != nil {
					f.problem("%s: unmounting %s: %v", name, ns, err)
				}
				_ = os.Remove(ns)
			}
			e.trueStates(f, when, 10*time.Second)
			if r := e.run("exec", name, "true"); r.code != 0 {
				f.problem("%s: exec: %s", when, r)
			}
			b.check(e, f, when)
			if r := e.run("rm", "-f", "-t", "0", name); r.code != 0 {
				f.problem("%s: rm -f: %s", when, r)
			}
		}

		// SIGKILL of run -d during its network setup.
		name = fmt.Sprintf("netns-kill_%d_%s", i, e.token[:6])
		delay := time.Duration(rng.Int63n(int64(800 * time.Millisecond)))
		killed, err := e.killAt(delay, append(append([]string{"run", "-d", "--name", name, "--network", net}, e.ctrArgs()...), image, "sleep", "1000")...)
		if err != nil {
			f.problem("starting pod: %v", err)
			continue
		}
		if killed {
			landed++
		}
		idOf(name)
		when := fmt.Sprintf("round %d (SIGKILL of run --network after %s, landed %v)", i, delay.Round(time.Millisecond), killed)
		e.trueStates(f, when, 10*time.Second)
		b.check(e, f, when)
		if r := e.run("rm", "-f", "-i", "-t", "0", name); r.code != 0 {
			f.problem("%s: rm -f %s: %s", when, name, r)
		}
	}
	f.note("%d of %d kills landed while pod ran", landed, f.Rounds)
	e.finish(f, baseline)
	e.countNetLeaks(f.Leaks, bridge, subnet, net, ids)
}

// freeSubnet picks a /24 (its first three octets) in 10.200.0.0/13 that no
// route of the host uses.
func freeSubnet(rng *rand.Rand) (string, error) {
	routes, _ := exec.Command("ip", "route").Output()
	for i := 0; i < 50; i++ {
		s := fmt.Sprintf("10.%d.%d", 200+rng.Intn(8), rng.Intn(250))
		if !strings.Contains(string(routes), s+".") {
			return s, nil
		}
	}
	return "", fmt.Errorf("no free subnet for the network fault")
}

// countNetLeaks adds to l what the network of a fault keeps after rm -fa.
func (e *podEnv) countNetLeaks(l *leaks, bridge, subnet, net string, ids []string) {
	if l == nil {
		return
	}
	if bridge != "" {
		out, _ := exec.Command("ip", "-o", "link", "show", "master", bridge).Output()
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if line != "" {
				l.Veths++
				l.example("veth left on %s: %s", bridge, excerpt(line))
			}
		}
	}
	var rules []string
	if out, err := exec.Command("iptables-save").Output(); err == nil {
		rules = append(rules, strings.Split(string(out), "\n")...)
	}
	if out, err := exec.Command("nft", "list", "ruleset").Output(); err == nil {
		rules = append(rules, strings.Split(string(out), "\n")...)
	}
	for _, line := range rules {
		hit := strings.Contains(line, subnet+".")
		for _, id := range ids {
			hit = hit || strings.Contains(line, id)
		}
		if hit {
			l.FirewallRules++
			l.example("firewall rule left: %s", excerpt(strings.TrimSpace(line)))
		}
	}
	// CNI host-local keeps a file per address (named by the address, holding
	// the owner's ID) under /var/lib/cni/networks/NET.
	ents, _ := os.ReadDir(filepath.Join("/var/lib/cni/networks", net))
	for _, ent := range ents {
		if n := ent.Name(); strings.HasPrefix(n, subnet+".") {
			l.IPAM++
			l.example("address still held by the IPAM: %s", n)
		}
	}
}
