package specgen

import (
	"errors"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// lines splits a fuzzed list: one value a line, none when empty.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// FuzzGenerate feeds whole option sets (env, volumes, mounts, tmpfs,
// ulimits, devices, capabilities, sysctls, security options, user, working
// directory, hostname, stop signal, memory, shm size, command) through
// Validate and Generate. Each must either fail as an ErrInvalidArgument (the
// user's mistake, said so) or give a spec that passes CheckSpec; a spec that
// does not (ErrBadSpec) or any other error class or a panic is a bug.
func FuzzGenerate(f *testing.F) {
	f.Add("A=1\nB", "/tmp:/t:ro\nvol:/v", "type=tmpfs,dst=/x", "/run:size=1m", "nofile=10:20", "/dev/null:/dev/n:rw", "NET_ADMIN\n-CHOWN", "net.ipv4.ip_forward=1", "no-new-privileges", "1000:1000", "/work", "h\nSIGTERM\n512m\n64m\nsh -c true", false)
	f.Add("=x\nA\x00=1", "/a:/", "type=bind,src=rel,dst=/b", "t", "core=-1", "/dev/../etc", "ALL\n-ALL", "kernel.x=1\nnet.ipv4.a", "seccomp=unconfined\nlabel=disable", "root", "rel", "\x00\nSIGKILL\n0\n0\n", true)
	f.Add("PATH=/x", "", "type=devpts,dst=/dev/pts2", "/t:mode=1777,nr_inodes=0", "nproc=1", "/dev/zero", "cap_sys_admin\nSYS_PTRACE", "fs.mqueue.msg_max=10", "mask=/proc/x\nunmask=ALL", "nosuch", "/a/../b", "a..b\n63\n6m\n1g\n\x00", false)
	f.Add("", "v:/d:O", "type=image,src=x,dst=/i", "/t:size=50%", "host", "/dev/null:rwm", "-NET_RAW", "net.core.somaxconn=1024\nvm.x=1", "systempaths=unconfined", "0:0", "/", "\nRTMIN+2\n\n\necho", false)
	rootfs := testRootfs(f)
	f.Fuzz(func(t *testing.T, env, volumes, mounts, tmpfs, ulimits, devices, caps, sysctls, secopts, user, workdir, misc string, privileged bool) {
		o := &Options{Env: lines(env), Volumes: lines(volumes), Mounts: lines(mounts), Tmpfs: lines(tmpfs),
			Ulimits: lines(ulimits), Devices: lines(devices), SecurityOpt: lines(secopts), User: user, WorkDir: workdir,
			Privileged: privileged, Sysctls: map[string]string{}}
		for _, c := range lines(caps) {
			if d, ok := strings.CutPrefix(c, "-"); ok {
				o.CapDrop = append(o.CapDrop, d)
			} else {
				o.CapAdd = append(o.CapAdd, c)
			}
		}
		for _, s := range lines(sysctls) {
			k, v, _ := strings.Cut(s, "=")
			o.Sysctls[k] = v
		}
		m := append(lines(misc), "", "", "", "", "")
		o.Hostname, o.StopSignal, o.Memory, o.ShmSize = m[0], m[1], m[2], m[3]
		if m[4] != "" {
			o.Command = strings.Fields(m[4])
		}
		img := &Image{Cmd: []string{"sh"}, Env: []string{"PATH=/bin"}}
		if err := Validate(o); err != nil {
			checkGenErr(t, err)
			return
		}
		s, _, err := Generate(testID, o, img, &Defaults{}, testHost(), rootfs)
		if err != nil {
			checkGenErr(t, err)
			return
		}
		if err := CheckSpec(s); err != nil {
			t.Fatal(err)
		}
	})
}

// checkGenErr: Generate refuses bad input as ErrInvalidArgument (or a host
// that cannot give what is asked: ErrNotFound, ErrUnavailable, a permission);
// a spec that failed CheckSpec is a bug.
func checkGenErr(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, ErrBadSpec) {
		t.Fatal(err)
	}
	for _, class := range []error{errdefs.ErrInvalidArgument, errdefs.ErrNotFound, errdefs.ErrUnavailable, errdefs.ErrPermission} {
		if errors.Is(err, class) {
			return
		}
	}
	t.Fatalf("unclassified error: %v", err)
}
