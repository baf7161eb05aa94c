package kube

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// maxDocuments bounds a YAML stream (a file of thousands of objects is a mistake).
const maxDocuments = 1000

// typeMeta is what every object says of itself.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

func invalid(format string, a ...any) error {
	return fmt.Errorf(format+": %w", append(a, errdefs.ErrInvalidArgument)...)
}

// splitDocuments splits a YAML stream at its "---" lines.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if len(bytes.TrimSpace(stripComments(cur.Bytes()))) > 0 {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
		}
		cur.Reset()
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		t := bytes.TrimRight(line, " \t\r\n")
		if bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			flush()
			continue
		}
		cur.Write(line)
	}
	flush()
	return docs
}

func stripComments(b []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '#' {
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// Play is what a YAML stream asks `kube play` for: pods, and the named
// volumes (PersistentVolumeClaims) and secrets (Secrets) to create first.
type Play struct {
	Plans   []Plan
	Volumes []Volume
	Secrets []Secret
	// Skipped are the kinds of the stream's documents that were ignored
	// (Podman plays what it knows and ignores the rest, e.g. a Service).
	Skipped []string
}

// Parse reads a YAML stream of Pods and Deployments into Plans; see
// ParseAll. A stream without a pod is an error here.
func Parse(data []byte, extraConfigMaps ...[]byte) ([]Plan, error) {
	play, err := ParseAll(data, extraConfigMaps...)
	if err != nil {
		return nil, err
	}
	if len(play.Plans) == 0 {
		return nil, invalid("the YAML holds no Pod or Deployment")
	}
	return play.Plans, nil
}

// ParseAll reads a YAML stream of Pods, Deployments, ConfigMaps,
// PersistentVolumeClaims and Secrets (strictly: an unknown field is an
// error) into a Play, pods in the file's order, with the ConfigMaps'
// values resolved into the containers' environment and configMap volumes.
// Extra ConfigMaps (--configmap files) may be given.
func ParseAll(data []byte, extraConfigMaps ...[]byte) (*Play, error) {
	docs := splitDocuments(data)
	for _, cm := range extraConfigMaps {
		docs = append(docs, splitDocuments(cm)...)
	}
	if len(docs) > maxDocuments {
		return nil, invalid("the YAML has %d documents, more than %d", len(docs), maxDocuments)
	}
	configMaps := map[string]v1.ConfigMap{}
	var pods []podObject
	play := &Play{}
	for i, doc := range docs {
		var tm typeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, invalid("YAML document %d: %v", i+1, err)
		}
		switch tm.Kind {
		case "Pod":
			var p v1.Pod
			if err := yaml.UnmarshalStrict(doc, &p); err != nil {
				return nil, invalid("YAML document %d (Pod): %v", i+1, err)
			}
			pods = append(pods, podObject{meta: p.ObjectMeta, spec: p.Spec, doc: i + 1})
		case "Deployment":
			var d appsv1.Deployment
			if err := yaml.UnmarshalStrict(doc, &d); err != nil {
				return nil, invalid("YAML document %d (Deployment): %v", i+1, err)
			}
			if d.Spec.Replicas != nil && *d.Spec.Replicas != 1 {
				return nil, invalid("Deployment %s asks for %d replicas: pod runs one replica per Deployment on one machine (set replicas: 1)", d.Name, *d.Spec.Replicas)
			}
			meta := d.Spec.Template.ObjectMeta
			meta.Name = d.Name + "-pod" // Podman's name for a Deployment's pod
			if len(meta.Labels) == 0 {
				meta.Labels = d.Labels
			}
			pods = append(pods, podObject{meta: meta, spec: d.Spec.Template.Spec, doc: i + 1})
		case "ConfigMap":
			var cm v1.ConfigMap
			if err := yaml.UnmarshalStrict(doc, &cm); err != nil {
				return nil, invalid("YAML document %d (ConfigMap): %v", i+1, err)
			}
			if cm.Name == "" {
				return nil, invalid("YAML document %d: a ConfigMap needs metadata.name", i+1)
			}
			configMaps[cm.Name] = cm
		case "PersistentVolumeClaim":
			var pvc v1.PersistentVolumeClaim
			if err := yaml.UnmarshalStrict(doc, &pvc); err != nil {
				return nil, invalid("YAML document %d (PersistentVolumeClaim): %v", i+1, err)
			}
			v, err := pvcVolume(i+1, &pvc)
			if err != nil {
				return nil, err
			}
			play.Volumes = append(play.Volumes, v)
		case "Secret":
			var sec v1.Secret
			if err := yaml.UnmarshalStrict(doc, &sec); err != nil {
				return nil, invalid("YAML document %d (Secret): %v", i+1, err)
			}
			s, err := secretDoc(i+1, &sec)
			if err != nil {
				return nil, err
			}
			play.Secrets = append(play.Secrets, s)
		case "":
			return nil, invalid("YAML document %d has no kind", i+1)
		default:
			// Podman ignores the kinds it does not play (a Service
			// from `kube generate -s`, say); the CLI says so.
			play.Skipped = append(play.Skipped, tm.Kind)
		}
	}
	if len(pods) == 0 && len(play.Volumes) == 0 && len(play.Secrets) == 0 {
		if len(play.Skipped) > 0 {
			return nil, invalid("YAML document does not contain any supported kube kind: kind %q is not supported (pod plays Pod, Deployment, ConfigMap, PersistentVolumeClaim and Secret)", strings.Join(play.Skipped, ", "))
		}
		return nil, invalid("the YAML holds no Pod, Deployment, PersistentVolumeClaim or Secret")
	}
	for _, p := range pods {
		plan, err := p.plan(configMaps)
		if err != nil {
			return nil, err
		}
		plan.Skipped = play.Skipped
		play.Plans = append(play.Plans, plan)
	}
	return play, nil
}

type podObject struct {
	meta metav1.ObjectMeta
	spec v1.PodSpec
	doc  int
}

func (p podObject) plan(configMaps map[string]v1.ConfigMap) (Plan, error) {
	meta := &p.meta
	name := meta.Name
	if name == "" {
		return Plan{}, invalid("YAML document %d: the pod needs metadata.name", p.doc)
	}
	s := &p.spec
	plan := Plan{Name: name, Labels: meta.Labels, Annotations: meta.Annotations, Hostname: s.Hostname,
		HostNetwork: s.HostNetwork, ShareProcess: s.ShareProcessNamespace != nil && *s.ShareProcessNamespace}
	if s.RuntimeClassName != nil {
		plan.RuntimeClass = *s.RuntimeClassName
	}
	switch s.RestartPolicy {
	case "", v1.RestartPolicyAlways: // Podman's default is Always, as Kubernetes'
		plan.RestartPolicy = RestartAlways
	case v1.RestartPolicyOnFailure:
		plan.RestartPolicy = RestartOnFailure
	case v1.RestartPolicyNever:
		plan.RestartPolicy = RestartNever
	default:
		return Plan{}, invalid("pod %s: spec.restartPolicy %q is invalid: use Always, OnFailure or Never", name, s.RestartPolicy)
	}
	if len(s.Containers) == 0 {
		return Plan{}, invalid("pod %s has no containers", name)
	}
	vols := map[string]v1.Volume{}
	for _, v := range s.Volumes {
		switch {
		case v.HostPath != nil:
			if !path.IsAbs(v.HostPath.Path) {
				return Plan{}, invalid("pod %s: hostPath volume %s: the path %q must be absolute", name, v.Name, v.HostPath.Path)
			}
		case v.EmptyDir != nil:
			plan.EmptyDirs = append(plan.EmptyDirs, v.Name)
		case v.PersistentVolumeClaim != nil:
			if v.PersistentVolumeClaim.ClaimName == "" {
				return Plan{}, invalid("pod %s: persistentVolumeClaim volume %s names no claim (claimName)", name, v.Name)
			}
		case v.ConfigMap != nil:
			cv, err := configMapVolume(name, v, configMaps)
			if err != nil {
				return Plan{}, err
			}
			if err := plan.addConfigMapVolume(cv); err != nil {
				return Plan{}, err
			}
		default:
			return Plan{}, fmt.Errorf("pod %s: volume %s: pod plays hostPath, emptyDir, persistentVolumeClaim and configMap volumes: %w", name, v.Name, errdefs.ErrNotImplemented)
		}
		vols[v.Name] = v
	}
	all := append(append([]v1.Container(nil), s.InitContainers...), s.Containers...)
	plan.InitCount = len(s.InitContainers)
	seen := map[string]bool{}
	for i, c := range all {
		if c.Name == "" || c.Image == "" {
			return Plan{}, invalid("pod %s: every container needs a name and an image (container %d)", name, i+1)
		}
		if seen[c.Name] {
			return Plan{}, invalid("pod %s: two containers are named %s", name, c.Name)
		}
		seen[c.Name] = true
		ctr, err := container(meta, c, vols, configMaps)
		if err != nil {
			return Plan{}, err
		}
		ctr.Init = i < plan.InitCount
		plan.Containers = append(plan.Containers, ctr)
	}
	return plan, nil
}

func container(meta *metav1.ObjectMeta, c v1.Container, vols map[string]v1.Volume, configMaps map[string]v1.ConfigMap) (Container, error) {
	out := Container{Name: c.Name, Image: c.Image, Entrypoint: c.Command, Command: c.Args, WorkDir: c.WorkingDir,
		TTY: c.TTY, Stdin: c.Stdin}
	where := fmt.Sprintf("pod %s, container %s", meta.Name, c.Name)
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil {
			if ef.SecretRef.Name == "" {
				return out, invalid("%s: envFrom.secretRef names no secret", where)
			}
			// Every key of the secret, resolved at play time (SecretEnv.All).
			out.SecretEnv = append(out.SecretEnv, SecretEnv{Secret: ef.SecretRef.Name, Prefix: ef.Prefix, All: true,
				Optional: ef.SecretRef.Optional != nil && *ef.SecretRef.Optional})
			continue
		}
		if ef.ConfigMapRef == nil {
			return out, fmt.Errorf("%s: envFrom supports configMapRef and secretRef: %w", where, errdefs.ErrNotImplemented)
		}
		cm, ok := configMaps[ef.ConfigMapRef.Name]
		data := cm.Data
		if !ok {
			if ef.ConfigMapRef.Optional != nil && *ef.ConfigMapRef.Optional {
				continue
			}
			return out, invalid("%s: ConfigMap %q not found: put it in the YAML or pass it with --configmap", where, ef.ConfigMapRef.Name)
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Env = append(out.Env, ef.Prefix+k+"="+data[k])
		}
	}
	for _, e := range c.Env {
		if e.Name == "" {
			return out, invalid("%s: an env entry has no name", where)
		}
		switch {
		case e.ValueFrom == nil:
			out.Env = append(out.Env, e.Name+"="+e.Value)
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			v, ok := configMaps[ref.Name].Data[ref.Key]
			if !ok {
				if ref.Optional != nil && *ref.Optional {
					continue
				}
				return out, invalid("%s: env %s: key %q of ConfigMap %q not found", where, e.Name, ref.Key, ref.Name)
			}
			out.Env = append(out.Env, e.Name+"="+v)
		case e.ValueFrom.FieldRef != nil:
			v, err := fieldRef(meta, e.ValueFrom.FieldRef.FieldPath)
			if err != nil {
				return out, fmt.Errorf("%s: env %s: %w", where, e.Name, err)
			}
			out.Env = append(out.Env, e.Name+"="+v)
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			if ref.Name == "" || ref.Key == "" {
				return out, invalid("%s: env %s: secretKeyRef needs the secret's name and a key", where, e.Name)
			}
			out.SecretEnv = append(out.SecretEnv, SecretEnv{Name: e.Name, Secret: ref.Name, Key: ref.Key,
				Optional: ref.Optional != nil && *ref.Optional})
		default:
			return out, fmt.Errorf("%s: env %s: valueFrom supports configMapKeyRef, secretKeyRef and fieldRef (resourceFieldRef is not supported): %w", where, e.Name, errdefs.ErrNotImplemented)
		}
	}
	for _, vm := range c.VolumeMounts {
		v, ok := vols[vm.Name]
		if !ok {
			return out, invalid("%s: volumeMount %s names no volume of the pod", where, vm.Name)
		}
		if !path.IsAbs(vm.MountPath) {
			return out, invalid("%s: volumeMount %s: mountPath %q must be absolute", where, vm.Name, vm.MountPath)
		}
		sub := vm.SubPath
		if vm.SubPathExpr != "" {
			if sub != "" {
				return out, invalid("%s: volumeMount %s: subPath and subPathExpr are mutually exclusive: give one", where, vm.Name)
			}
			// $(VAR) of the container's env (values, configMap keys,
			// fieldRefs; not secrets), as the kubelet expands it.
			sub = ExpandSubPathExpr(vm.SubPathExpr, out.Env)
		}
		if err := CheckSubPath(sub); err != nil {
			return out, fmt.Errorf("%s: volumeMount %s: %w", where, vm.Name, err)
		}
		m := Mount{Destination: vm.MountPath, ReadOnly: vm.ReadOnly, SubPath: sub}
		switch {
		case v.HostPath != nil:
			m.Source = v.HostPath.Path
		case v.PersistentVolumeClaim != nil:
			m.Source, m.Named = v.PersistentVolumeClaim.ClaimName, true
			m.ReadOnly = m.ReadOnly || v.PersistentVolumeClaim.ReadOnly
		case v.ConfigMap != nil:
			m.Source, m.ConfigMap = v.ConfigMap.Name, true
		default:
			m.Source, m.EmptyDir = v.Name, true
		}
		out.Mounts = append(out.Mounts, m)
	}
	for _, p := range c.Ports {
		if p.ContainerPort < 1 || p.ContainerPort > 65535 || p.HostPort < 0 || p.HostPort > 65535 {
			return out, invalid("%s: ports: containerPort %d, hostPort %d: ports are 1-65535 (hostPort 0: not published)", where, p.ContainerPort, p.HostPort)
		}
		proto := strings.ToLower(string(p.Protocol))
		switch proto {
		case "":
			proto = "tcp"
		case "tcp", "udp", "sctp":
		default:
			return out, invalid("%s: ports: protocol %q is invalid: use TCP, UDP or SCTP", where, p.Protocol)
		}
		out.Ports = append(out.Ports, Port{Name: p.Name, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Protocol: proto, HostIP: p.HostIP})
	}
	if sc := c.SecurityContext; sc != nil {
		out.Privileged = sc.Privileged != nil && *sc.Privileged
		out.ReadOnly = sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
		if sc.RunAsUser != nil {
			out.User = fmt.Sprint(*sc.RunAsUser)
			if sc.RunAsGroup != nil {
				out.User += fmt.Sprintf(":%d", *sc.RunAsGroup)
			}
		}
		if sc.Capabilities != nil {
			for _, c := range sc.Capabilities.Add {
				out.CapAdd = append(out.CapAdd, string(c))
			}
			for _, c := range sc.Capabilities.Drop {
				out.CapDrop = append(out.CapDrop, string(c))
			}
		}
	}
	if q, ok := c.Resources.Limits[v1.ResourceMemory]; ok {
		out.Memory = fmt.Sprint(q.Value())
	}
	if q, ok := c.Resources.Limits[v1.ResourceCPU]; ok {
		out.CPUs = cpus(q)
	}
	return out, nil
}

// fieldRef is the value of an env valueFrom.fieldRef: the pod's metadata
// Podman resolves (name, namespace, uid, one label or annotation).
func fieldRef(meta *metav1.ObjectMeta, fieldPath string) (string, error) {
	switch fieldPath {
	case "metadata.name":
		return meta.Name, nil
	case "metadata.namespace":
		return meta.Namespace, nil
	case "metadata.uid":
		return string(meta.UID), nil
	}
	for prefix, m := range map[string]map[string]string{"metadata.labels": meta.Labels, "metadata.annotations": meta.Annotations} {
		if key, ok := strings.CutPrefix(fieldPath, prefix+"['"); ok && strings.HasSuffix(key, "']") {
			return m[strings.TrimSuffix(key, "']")], nil
		}
	}
	return "", fmt.Errorf("fieldRef %q is not supported: use metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'] or metadata.annotations['KEY']: %w", fieldPath, errdefs.ErrNotImplemented)
}

func cpus(q resource.Quantity) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", float64(q.MilliValue())/1000), "0"), ".")
}

// ReadAll reads a YAML file's bytes, bounded.
func ReadAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 16<<20 {
		return nil, errors.New("the YAML is larger than 16 MiB")
	}
	return data, nil
}
