package kube

import (
	"fmt"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// header is what Podman 4.3 writes above generated YAML.
const header = "# Save the output of this file and use kubectl create -f to import it into Kubernetes.\n#\n# Created with pod\n"

// Generate writes plan as a v1.Pod that kubectl takes: apiVersion, kind,
// metadata.name, and a name and image for every container. created is the
// pod's creation time.
func Generate(plan *Plan, created time.Time) ([]byte, error) {
	pod := v1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              plan.Name,
			Labels:            plan.Labels,
			Annotations:       plan.Annotations,
			CreationTimestamp: metav1.NewTime(created.UTC().Truncate(time.Second)),
		},
		Spec: v1.PodSpec{Hostname: plan.Hostname, HostNetwork: plan.HostNetwork, RestartPolicy: restartPolicy(plan.RestartPolicy)},
	}
	if pod.Labels == nil {
		pod.Labels = map[string]string{"app": plan.Name}
	}
	if plan.RuntimeClass != "" {
		rc := plan.RuntimeClass
		pod.Spec.RuntimeClassName = &rc
	}
	if plan.ShareProcess {
		t := true
		pod.Spec.ShareProcessNamespace = &t
	}
	for _, name := range plan.EmptyDirs {
		pod.Spec.Volumes = append(pod.Spec.Volumes, v1.Volume{Name: name, VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}})
	}
	hostVols, namedVols := map[string]string{}, map[string]string{}
	for i, c := range plan.Containers {
		kc := v1.Container{Name: c.Name, Image: c.Image, Command: c.Entrypoint, Args: c.Command, WorkingDir: c.WorkDir,
			TTY: c.TTY, Stdin: c.Stdin}
		for _, e := range c.Env {
			k, v, _ := strings.Cut(e, "=")
			kc.Env = append(kc.Env, v1.EnvVar{Name: k, Value: v})
		}
		for _, e := range c.SecretEnv {
			if e.All {
				src := &v1.SecretEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: e.Secret}}
				if e.Optional {
					src.Optional = &e.Optional
				}
				kc.EnvFrom = append(kc.EnvFrom, v1.EnvFromSource{Prefix: e.Prefix, SecretRef: src})
				continue
			}
			ref := &v1.SecretKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: e.Secret}, Key: e.Key}
			if e.Optional {
				ref.Optional = &e.Optional
			}
			kc.Env = append(kc.Env, v1.EnvVar{Name: e.Name, ValueFrom: &v1.EnvVarSource{SecretKeyRef: ref}})
		}
		for _, m := range c.Mounts {
			name := m.Source
			switch {
			case m.Named || m.ConfigMap:
				if name = namedVols[m.Source]; name == "" {
					// A suffix keeps them apart from hostPath volumes' names.
					name = volumeName(m.Source, len(namedVols)) + "-pvc"
					src := v1.VolumeSource{PersistentVolumeClaim: &v1.PersistentVolumeClaimVolumeSource{ClaimName: m.Source}}
					if m.ConfigMap {
						name = volumeName(m.Source, len(namedVols)) + "-cm"
						src = v1.VolumeSource{ConfigMap: &v1.ConfigMapVolumeSource{LocalObjectReference: v1.LocalObjectReference{Name: m.Source}}}
					}
					namedVols[m.Source] = name
					pod.Spec.Volumes = append(pod.Spec.Volumes, v1.Volume{Name: name, VolumeSource: src})
				}
			case !m.EmptyDir:
				if name = hostVols[m.Source]; name == "" {
					name = volumeName(m.Source, len(hostVols))
					hostVols[m.Source] = name
					t := v1.HostPathDirectoryOrCreate
					pod.Spec.Volumes = append(pod.Spec.Volumes, v1.Volume{Name: name,
						VolumeSource: v1.VolumeSource{HostPath: &v1.HostPathVolumeSource{Path: m.Source, Type: &t}}})
				}
			}
			kc.VolumeMounts = append(kc.VolumeMounts, v1.VolumeMount{Name: name, MountPath: m.Destination, ReadOnly: m.ReadOnly, SubPath: m.SubPath})
		}
		for _, p := range c.Ports {
			proto := v1.Protocol(strings.ToUpper(p.Protocol))
			if proto == v1.ProtocolTCP {
				proto = "" // Kubernetes' default, left out as Podman does
			}
			kc.Ports = append(kc.Ports, v1.ContainerPort{Name: p.Name, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Protocol: proto, HostIP: p.HostIP})
		}
		if c.Privileged || c.ReadOnly || len(c.CapAdd) > 0 || len(c.CapDrop) > 0 {
			sc := &v1.SecurityContext{}
			if c.Privileged {
				sc.Privileged = &c.Privileged
			}
			if c.ReadOnly {
				sc.ReadOnlyRootFilesystem = &c.ReadOnly
			}
			if len(c.CapAdd)+len(c.CapDrop) > 0 {
				sc.Capabilities = &v1.Capabilities{}
				for _, a := range c.CapAdd {
					sc.Capabilities.Add = append(sc.Capabilities.Add, v1.Capability(a))
				}
				for _, d := range c.CapDrop {
					sc.Capabilities.Drop = append(sc.Capabilities.Drop, v1.Capability(d))
				}
			}
			kc.SecurityContext = sc
		}
		if c.Memory != "" || c.CPUs != "" {
			kc.Resources.Limits = v1.ResourceList{}
			if c.Memory != "" {
				q, err := resource.ParseQuantity(c.Memory)
				if err != nil {
					return nil, fmt.Errorf("container %s: memory limit %q: %w", c.Name, c.Memory, err)
				}
				kc.Resources.Limits[v1.ResourceMemory] = q
			}
			if c.CPUs != "" {
				q, err := resource.ParseQuantity(c.CPUs)
				if err != nil {
					return nil, fmt.Errorf("container %s: cpu limit %q: %w", c.Name, c.CPUs, err)
				}
				kc.Resources.Limits[v1.ResourceCPU] = q
			}
		}
		if i < plan.InitCount {
			pod.Spec.InitContainers = append(pod.Spec.InitContainers, kc)
		} else {
			pod.Spec.Containers = append(pod.Spec.Containers, kc)
		}
	}
	out, err := yaml.Marshal(&pod)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), out...), nil
}

// restartPolicy is the v1 name of a --restart value (Podman's mapping:
// no restart policy is Never).
func restartPolicy(p string) v1.RestartPolicy {
	switch p {
	case RestartAlways, "unless-stopped":
		return v1.RestartPolicyAlways
	case RestartOnFailure:
		return v1.RestartPolicyOnFailure
	}
	return v1.RestartPolicyNever
}

// volumeName is a DNS-1123 label for a host path: Podman's style, the
// path's characters with / as -, plus a number to keep names apart.
func volumeName(p string, n int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Trim(p, "/")) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > 50 {
		name = strings.Trim(name[len(name)-50:], "-")
	}
	if name == "" {
		name = "root"
	}
	return fmt.Sprintf("%s-host-%d", name, n)
}
