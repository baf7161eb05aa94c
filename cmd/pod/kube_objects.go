//go:build !podlean

package main

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/kube"
	"github.com/pod-engine/pod/pkg/secret"
)

// kubeUndo is what one `kube play` created, removed again when it fails:
// pods first (they use the volumes and secrets), then volumes, then secrets.
type kubeUndo struct {
	pods    []*libpod.Pod
	volumes []string
	secrets []string
}

func (u *kubeUndo) run(ctx context.Context, rt *libpod.Runtime) {
	for i := len(u.pods) - 1; i >= 0; i-- {
		_ = u.pods[i].Remove(ctx, libpod.PodRemoveOptions{Force: true, Timeout: new(uint)})
	}
	for _, v := range u.volumes {
		_ = rt.RemoveVolume(ctx, v, true, new(uint))
	}
	if len(u.secrets) > 0 {
		if s, err := rt.Secrets(); err == nil {
			for _, name := range u.secrets {
				_, _ = s.Remove(name)
			}
		}
	}
}

// kubeCreateSecrets stores the Secret documents as pod secrets; as Podman
// 4.3 plays a Secret again without error, an existing secret of the name
// is replaced.
func kubeCreateSecrets(rt *libpod.Runtime, secrets []kube.Secret, undo *kubeUndo) error {
	if len(secrets) == 0 {
		return nil
	}
	s, err := rt.Secrets()
	if err != nil {
		return err
	}
	for _, sec := range secrets {
		_, _, lerr := s.Data(sec.Name)
		if _, err := s.Create(sec.Name, sec.Data, secret.CreateOptions{Replace: lerr == nil}); err != nil {
			return fmt.Errorf("kube Secret %s: %w", sec.Name, err)
		}
		if errors.Is(lerr, errdefs.ErrNotFound) {
			undo.secrets = append(undo.secrets, sec.Name)
		}
	}
	return nil
}

// kubeCreateVolumes creates the PersistentVolumeClaims' named volumes; as
// in Podman 4.3 a claim whose volume exists is an error (a pod's
// persistentVolumeClaim volume uses an existing volume, or creates it).
func kubeCreateVolumes(ctx context.Context, rt *libpod.Runtime, vols []kube.Volume, undo *kubeUndo) error {
	for _, v := range vols {
		if _, err := rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Name: v.Name, Driver: v.Driver, Labels: v.Labels, Options: v.Options}); err != nil {
			if errors.Is(err, errdefs.ErrAlreadyExists) {
				return fmt.Errorf("PersistentVolumeClaim %s: volume with name %s already exists: remove it (`pod volume rm %s`) or drop the claim from the YAML and keep only the pod's persistentVolumeClaim: %w", v.Name, v.Name, v.Name, err)
			}
			return fmt.Errorf("PersistentVolumeClaim %s: %w", v.Name, err)
		}
		undo.volumes = append(undo.volumes, v.Name)
	}
	return nil
}

// kubeConfigMapVolumes creates (or reuses, as Podman) the named volume of
// each ConfigMap volume and writes the ConfigMap's files into it.
func kubeConfigMapVolumes(ctx context.Context, rt *libpod.Runtime, cms []kube.ConfigMapVolume, undo *kubeUndo) error {
	for _, cv := range cms {
		_, lerr := rt.LookupVolume(cv.Name)
		v, err := rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Name: cv.Name, IgnoreIfExists: true})
		if err != nil {
			return fmt.Errorf("configMap volume %s: %w", cv.Name, err)
		}
		if errors.Is(lerr, errdefs.ErrNotFound) {
			undo.volumes = append(undo.volumes, cv.Name)
		}
		if len(v.Config().Options) > 0 {
			return fmt.Errorf("configMap volume %s: the existing volume %s has mount options: remove it or rename the ConfigMap: %w", cv.Name, cv.Name, errdefs.ErrInvalidArgument)
		}
		if err := kube.WriteFiles(v.Mountpoint(), cv); err != nil {
			return err
		}
	}
	return nil
}

// kubeSecretEnv is a container's environment with its secretKeyRef and
// envFrom.secretRef values read from pod's secrets: envFrom's first, then
// the container's env (which overrides them), then the secretKeyRefs.
func kubeSecretEnv(s *secret.Store, kc kube.Container) ([]string, error) {
	cache := map[string]map[string][]byte{}
	values := func(e kube.SecretEnv) (map[string][]byte, error) {
		if vals, ok := cache[e.Secret]; ok {
			return vals, nil
		}
		_, data, err := s.Data(e.Secret)
		if errors.Is(err, errdefs.ErrNotFound) {
			if e.Optional {
				return nil, nil
			}
			what := "envFrom"
			if !e.All {
				what = "env " + e.Name
			}
			return nil, fmt.Errorf("%s: secret %s not found: create it with `pod secret create` or a Secret in the YAML: %w", what, e.Secret, errdefs.ErrInvalidArgument)
		}
		if err != nil {
			return nil, err
		}
		vals, err := kube.SecretValues(e.Secret, data)
		if err != nil {
			return nil, err
		}
		cache[e.Secret] = vals
		return vals, nil
	}
	var env, refs []string
	for _, e := range kc.SecretEnv {
		vals, err := values(e)
		if err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if e.All {
			for _, k := range keys {
				env = append(env, e.Prefix+k+"="+string(vals[k]))
			}
			continue
		}
		v, ok := vals[e.Key]
		if !ok {
			if e.Optional {
				continue
			}
			return nil, fmt.Errorf("env %s: secret %s has no key %q (keys: %v): %w", e.Name, e.Secret, e.Key, keys, errdefs.ErrInvalidArgument)
		}
		refs = append(refs, e.Name+"="+string(v))
	}
	return append(append(env, kc.Env...), refs...), nil
}
