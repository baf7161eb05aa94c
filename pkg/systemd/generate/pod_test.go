package generate

import (
	"strings"
	"testing"
)

func testPod() *Pod {
	infra := &Container{ID: "i1", Name: "abc-infra", StopTimeout: 10, RunRoot: "/run/r", PIDFile: "/run/r/i1/conmon.pid", Executable: "/usr/bin/pod"}
	m := func(id, name string) *Container {
		return &Container{ID: id, Name: name, StopTimeout: 10, RunRoot: "/run/r", PIDFile: "/run/r/" + id + "/conmon.pid", Executable: "/usr/bin/pod",
			CreateCommand: []string{"/usr/bin/pod", "--root", "/r", "create", "--pod", "web", "--name", name, "bb", "top"}}
	}
	return &Pod{ID: "p1", Name: "web", Infra: infra, Members: []*Container{m("c2", "zz"), m("c1", "aa")},
		CreateCommand: []string{"/usr/bin/pod", "--root", "/r", "pod", "create", "--name", "web", "--pod-id-file=/x", "-p", "80:80"}}
}

func TestPodUnits(t *testing.T) {
	units, err := PodUnits(testPod(), &Options{UseName: true, New: true, ContainerPrefix: "container", PodPrefix: "pod", Separator: "-", NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range units {
		names = append(names, u.Name)
		verify(t, u, units...)
	}
	if got := strings.Join(names, " "); got != "pod-web container-aa container-zz" {
		t.Fatalf("units %s", got)
	}
	pod := units[0].Content
	for _, want := range []string{
		"Wants=container-aa.service container-zz.service\nBefore=container-aa.service container-zz.service\n",
		"ExecStartPre=/bin/rm \\\n\t-f %t/pod-web.pid %t/pod-web.pod-id\n",
	} {
		if !strings.Contains(pod, want) {
			t.Errorf("pod unit lacks %q:\n%s", want, pod)
		}
	}
	if !strings.Contains(pod, "\t--root /r pod create \\\n\t--infra-conmon-pidfile %t/pod-web.pid \\\n\t--pod-id-file %t/pod-web.pod-id \\\n\t--exit-policy=stop \\\n\t--name web \\\n\t-p 80:80 \\\n\t--replace\n") {
		t.Errorf("pod create line:\n%s", pod)
	}
	if strings.Contains(pod, "--pod-id-file=/x") {
		t.Error("the create command's own --pod-id-file was kept")
	}
	if !strings.Contains(pod, "ExecStop=/usr/bin/pod --root /r pod stop \\\n\t--ignore \\\n\t--pod-id-file %t/pod-web.pod-id  \\\n\t-t 10\n") {
		t.Errorf("pod stop line:\n%s", pod)
	}
	member := units[1].Content
	if !strings.Contains(member, "BindsTo=pod-web.service\nAfter=pod-web.service\n") ||
		!strings.Contains(member, "--rm \\\n\t--pod-id-file %t/pod-web.pod-id \\\n") || strings.Contains(member, "--pod web") {
		t.Errorf("member unit:\n%s", member)
	}
	// Without --new: the pod unit starts the infra, by ID without --name.
	units, err = PodUnits(testPod(), &Options{ContainerPrefix: "c", PodPrefix: "", Separator: "_"})
	if err != nil {
		t.Fatal(err)
	}
	if units[0].Name != "p1" || !strings.Contains(units[0].Content, "ExecStart=/usr/bin/pod start i1\n") ||
		!strings.Contains(units[0].Content, "PIDFile=/run/r/i1/conmon.pid\n") || !strings.Contains(units[1].Content, "BindsTo=p1.service\n") {
		t.Errorf("units without --new:\n%s\n%s", units[0].Content, units[1].Content)
	}
}

func TestPodUnitsRefused(t *testing.T) {
	p := testPod()
	p.Infra = nil
	if _, err := PodUnits(p, &Options{}); err == nil || err.Error() != `generating systemd unit files: Pod "web" has no infra container` {
		t.Errorf("no infra: %v", err)
	}
	p = testPod()
	p.CreateCommand = []string{"/usr/bin/pod", "create", "--pod", "new:web", "bb"}
	if _, err := PodUnits(p, &Options{New: true}); err == nil || !strings.Contains(err.Error(), "pod does not appear to be created via `podman pod create`") {
		t.Errorf("not pod create: %v", err)
	}
}
