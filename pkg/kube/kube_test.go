package kube

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pod-engine/pod/pkg/errdefs"
)

const podYAML = `# a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  COLOR: blue
  SIZE: "3"
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  runtimeClassName: runc
  hostname: webhost
  volumes:
  - name: data
    hostPath: {path: /srv/data}
  - name: scratch
    emptyDir: {}
  containers:
  - name: srv
    image: localhost/busybox
    command: [sh, -c]
    args: ["echo $COLOR"]
    workingDir: /tmp
    env:
    - {name: A, value: "x=y"}
    - name: S
      valueFrom: {configMapKeyRef: {name: cfg, key: SIZE}}
    envFrom:
    - configMapRef: {name: cfg}
      prefix: CM_
    volumeMounts:
    - {name: data, mountPath: /data, readOnly: true}
    - {name: scratch, mountPath: /scratch}
    ports:
    - containerPort: 80
    resources:
      limits: {memory: 64Mi, cpu: 500m}
`

func TestParse(t *testing.T) {
	plans, err := Parse([]byte(podYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 {
		t.Fatalf("%d plans", len(plans))
	}
	p := plans[0]
	if p.Name != "web" || p.RuntimeClass != "runc" || p.Hostname != "webhost" || !reflect.DeepEqual(p.EmptyDirs, []string{"scratch"}) {
		t.Errorf("plan = %+v", p)
	}
	c := p.Containers[0]
	wantEnv := []string{"CM_COLOR=blue", "CM_SIZE=3", "A=x=y", "S=3"}
	if !reflect.DeepEqual(c.Env, wantEnv) {
		t.Errorf("env = %q, want %q", c.Env, wantEnv)
	}
	if !reflect.DeepEqual(c.Entrypoint, []string{"sh", "-c"}) || !reflect.DeepEqual(c.Command, []string{"echo $COLOR"}) || c.WorkDir != "/tmp" {
		t.Errorf("container = %+v", c)
	}
	wantMounts := []Mount{{Source: "/srv/data", Destination: "/data", ReadOnly: true}, {Source: "scratch", Destination: "/scratch", EmptyDir: true}}
	if !reflect.DeepEqual(c.Mounts, wantMounts) {
		t.Errorf("mounts = %+v", c.Mounts)
	}
	if c.Memory != "67108864" || c.CPUs != "0.5" {
		t.Errorf("limits = %s %s", c.Memory, c.CPUs)
	}
}

func TestParseDeployment(t *testing.T) {
	d := `apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  replicas: 1
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: img}]
`
	plans, err := Parse([]byte(d))
	if err != nil {
		t.Fatal(err)
	}
	if plans[0].Name != "dep-pod" || plans[0].Containers[0].Name != "c" {
		t.Errorf("plan = %+v", plans[0])
	}
	if _, err := Parse([]byte(strings.Replace(d, "replicas: 1", "replicas: 3", 1))); err == nil || !strings.Contains(err.Error(), "3 replicas") {
		t.Errorf("3 replicas: %v", err)
	}
}

func TestParseRefusals(t *testing.T) {
	for _, tc := range []struct{ yaml, frag string }{
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, bogus: 1}]\n", `unknown field "bogus"`},
		{"apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", `kind "Service" is not supported`},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n", "needs a name and an image"},
		{"apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: c, image: i}]\n", "needs metadata.name"},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, envFrom: [{configMapRef: {name: nope}}]}]\n", `ConfigMap "nope" not found`},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, volumeMounts: [{name: v, mountPath: /x}]}]\n", "names no volume"},
		{"", "holds no Pod"},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Sometimes\n  containers: [{name: c, image: i}]\n", `spec.restartPolicy "Sometimes" is invalid`},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080, protocol: QUIC}]}]\n", `protocol "QUIC" is invalid`},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, ports: [{containerPort: 0, hostPort: 8080}]}]\n", "containerPort 0"},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, env: [{name: X, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}]}]\n", `env X: fieldRef "status.hostIP" is not supported`},
		{"kind: [", "YAML document 1"},
	} {
		_, err := Parse([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.frag) {
			t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.frag)
		}
	}
	_, err := Parse([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  volumes: [{name: v, nfs: {server: s, path: /p}}]\n"))
	if !errors.Is(err, errdefs.ErrNotImplemented) {
		t.Errorf("nfs volume: %v", err)
	}
}

// TestGenerateIsValid decodes generated YAML strictly into the API types
// and checks what `kubectl apply --dry-run=client` requires: apiVersion,
// kind, metadata.name, a name and image for every container.
func TestGenerateIsValid(t *testing.T) {
	plans, err := Parse([]byte(podYAML))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(&plans[0], time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	var pod v1.Pod
	if err := yaml.UnmarshalStrict(out, &pod); err != nil {
		t.Fatalf("generated YAML does not decode strictly: %v\n%s", err, out)
	}
	if pod.APIVersion != "v1" || pod.Kind != "Pod" || pod.Name != "web" {
		t.Errorf("generated %s/%s %s", pod.APIVersion, pod.Kind, pod.Name)
	}
	for _, c := range pod.Spec.Containers {
		if c.Name == "" || c.Image == "" {
			t.Errorf("container without name or image: %+v", c)
		}
	}
	// Round trip: the generated YAML plays as the same plan.
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("generated YAML does not play: %v\n%s", err, out)
	}
	a, b := plans[0].Containers[0], again[0].Containers[0]
	if !reflect.DeepEqual(a.Env, b.Env) || !reflect.DeepEqual(a.Entrypoint, b.Entrypoint) || !reflect.DeepEqual(a.Command, b.Command) ||
		!reflect.DeepEqual(a.Mounts, b.Mounts) || a.Memory != b.Memory || a.CPUs != b.CPUs {
		t.Errorf("round trip changed the container:\n%+v\n%+v", a, b)
	}
	if again[0].RuntimeClass != "runc" || !reflect.DeepEqual(again[0].EmptyDirs, []string{"scratch"}) {
		t.Errorf("round trip changed the pod: %+v", again[0])
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(podYAML))
	f.Add([]byte("---\n---\nkind: Pod\n"))
	f.Add([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 0}\n"))
	f.Add([]byte(objectsYAML))
	f.Add([]byte("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\n---\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		play, err := ParseAll(data)
		if err != nil {
			return
		}
		for _, v := range play.Volumes {
			if v.Name == "" {
				t.Fatalf("accepted a claim without a name: %+v", v)
			}
		}
		for _, p := range play.Plans {
			for _, cv := range p.ConfigMapVolumes {
				for name := range cv.Items {
					if !safeRelPath(name) {
						t.Fatalf("accepted a ConfigMap file path %q", name)
					}
				}
			}
		}
		for _, p := range play.Plans {
			if p.Name == "" || len(p.Containers) == 0 {
				t.Fatalf("accepted a pod without name or containers: %+v", p)
			}
			for _, c := range p.Containers {
				if c.Name == "" || c.Image == "" {
					t.Fatalf("accepted a container without name or image: %+v", c)
				}
			}
			if _, err := Generate(&p, time.Now()); err != nil {
				t.Fatalf("cannot generate an accepted plan: %v", err)
			}
		}
	})
}

// TestParsePolicyPortsFieldRef: restartPolicy's mapping (Always by
// default, as Podman), ports normalised, fieldRef values, and kinds pod does
// not play (a Service beside the Pod) skipped and reported.
func TestParsePolicyPortsFieldRef(t *testing.T) {
	doc := `apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {tier: "front end"}
spec:
  %s
  containers:
  - name: c
    image: i
    env:
    - {name: ME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
    ports:
    - {containerPort: 80, hostPort: 8080}
    - {containerPort: 53, hostPort: 5353, protocol: UDP, hostIP: 127.0.0.1}
    - {containerPort: 9000}
`
	for policy, want := range map[string]string{"": RestartAlways, "restartPolicy: Always": RestartAlways,
		"restartPolicy: OnFailure": RestartOnFailure, "restartPolicy: Never": RestartNever} {
		plans, err := Parse([]byte(strings.Replace(doc, "%s", policy, 1)))
		if err != nil {
			t.Fatalf("%q: %v", policy, err)
		}
		p := plans[0]
		if p.RestartPolicy != want {
			t.Errorf("%q: restart policy %q, want %q", policy, p.RestartPolicy, want)
		}
		if len(p.Skipped) != 1 || p.Skipped[0] != "Service" {
			t.Errorf("skipped kinds %v, want [Service]", p.Skipped)
		}
		c := p.Containers[0]
		if got := strings.Join(c.Env, "|"); got != "ME=web|TIER=front end" {
			t.Errorf("env %q", got)
		}
		wantPorts := []Port{{ContainerPort: 80, HostPort: 8080, Protocol: "tcp"},
			{ContainerPort: 53, HostPort: 5353, Protocol: "udp", HostIP: "127.0.0.1"}, {ContainerPort: 9000, Protocol: "tcp"}}
		if fmt.Sprint(c.Ports) != fmt.Sprint(wantPorts) {
			t.Errorf("ports %+v, want %+v", c.Ports, wantPorts)
		}
		out, err := Generate(&p, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("generated YAML does not parse: %v\n%s", err, out)
		}
		if back[0].RestartPolicy != want || fmt.Sprint(back[0].Containers[0].Ports) != fmt.Sprint(wantPorts) {
			t.Errorf("round trip: policy %q ports %+v", back[0].RestartPolicy, back[0].Containers[0].Ports)
		}
	}
}
