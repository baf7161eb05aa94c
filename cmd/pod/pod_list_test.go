package main

import "testing"

// Podman 4.3.1's pod ps columns for each combination seen (cmd/podman/pods/ps.go).
func TestPodPsDefault(t *testing.T) {
	base := "{{.PodID}}\t{{.Name}}\t{{.Status}}\t{{.CreatedHuman}}\t{{.InfraIDShort}}"
	for _, c := range []struct {
		ids, names, status, ns bool
		want                   string
	}{
		{want: base + "\t{{.NumberOfContainers}}"},
		{ids: true, want: base + "\t{{.ContainerIds}}"},
		{names: true, status: true, want: base + "\t{{.ContainerNames}}\t{{.ContainerStatuses}}"},
		{ids: true, names: true, status: true, want: base + "\t{{.ContainerIds}}\t{{.ContainerNames}}\t{{.ContainerStatuses}}"},
		{ns: true, want: base + "\t{{.Cgroup}}\t{{.Namespace}}\t{{.NumberOfContainers}}"},
		{names: true, ns: true, want: base + "\t{{.ContainerNames}}\t{{.Cgroup}}\t{{.Namespace}}"},
	} {
		if got := podPsDefault(c.ids, c.names, c.status, c.ns); got != c.want {
			t.Errorf("ids=%v names=%v status=%v ns=%v:\n got %q\nwant %q", c.ids, c.names, c.status, c.ns, got, c.want)
		}
	}
}
