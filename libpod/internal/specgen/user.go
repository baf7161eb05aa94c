package specgen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// maxIDFile bounds how much of /etc/passwd or /etc/group is read.
const maxIDFile = 16 << 20

type passwdEntry struct {
	Name     string
	UID, GID uint32
	Home     string
}

type groupEntry struct {
	Name    string
	GID     uint32
	Members []string
}

// readRootfsFile reads a regular file of the container's root filesystem,
// resolving symlinks inside rootfs. A missing file is (nil, nil).
func readRootfsFile(rootfs, name string) ([]byte, error) {
	p, err := securejoin.SecureJoin(rootfs, name)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s in the container is not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, maxIDFile))
}

// idFields splits the colon-separated lines of passwd/group files, skipping
// comments, blank lines and NIS "+"/"-" entries.
func idFields(data []byte, min int, fn func([]string)) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxIDFile)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) < min {
			continue
		}
		fn(f)
	}
}

func parseID(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

func parsePasswd(data []byte) []passwdEntry {
	var out []passwdEntry
	idFields(data, 4, func(f []string) {
		uid, ok1 := parseID(f[2])
		gid, ok2 := parseID(f[3])
		if !ok1 || !ok2 {
			return
		}
		e := passwdEntry{Name: f[0], UID: uid, GID: gid}
		if len(f) > 5 {
			e.Home = f[5]
		}
		out = append(out, e)
	})
	return out
}

func parseGroup(data []byte) []groupEntry {
	var out []groupEntry
	idFields(data, 3, func(f []string) {
		gid, ok := parseID(f[2])
		if !ok {
			return
		}
		e := groupEntry{Name: f[0], GID: gid}
		if len(f) > 3 && f[3] != "" {
			e.Members = strings.Split(f[3], ",")
		}
		out = append(out, e)
	})
	return out
}

// execUser is the resolved identity of the container process.
type execUser struct {
	UID, GID       uint32
	AdditionalGids []uint32
	Home           string
	UserMissing    bool // a numeric user without an /etc/passwd entry
	GroupMissing   bool // an explicit numeric group without an /etc/group entry
}

// idFiles lazily reads /etc/passwd and /etc/group from the rootfs.
type idFiles struct {
	rootfs         string
	passwd         []passwdEntry
	group          []groupEntry
	pLoaded, gLoad bool
	pMissing       bool
	gMissing       bool
}

func (f *idFiles) users() ([]passwdEntry, error) {
	if !f.pLoaded {
		data, err := readRootfsFile(f.rootfs, "/etc/passwd")
		if err != nil {
			return nil, fmt.Errorf("reading /etc/passwd of the container: %w", err)
		}
		f.passwd, f.pMissing, f.pLoaded = parsePasswd(data), data == nil, true
	}
	return f.passwd, nil
}

func (f *idFiles) groups() ([]groupEntry, error) {
	if !f.gLoad {
		data, err := readRootfsFile(f.rootfs, "/etc/group")
		if err != nil {
			return nil, fmt.Errorf("reading /etc/group of the container: %w", err)
		}
		f.group, f.gMissing, f.gLoad = parseGroup(data), data == nil, true
	}
	return f.group, nil
}

// lookupGroup resolves a group name or number.
func (f *idFiles) lookupGroup(flag, value, g string) (uint32, error) {
	if n, ok := parseID(g); ok {
		return n, nil
	}
	groups, err := f.groups()
	if err != nil {
		return 0, err
	}
	for _, e := range groups {
		if e.Name == g {
			return e.GID, nil
		}
	}
	why := "no matching entries in group file"
	if f.gMissing {
		why = "the container has no /etc/group"
	}
	return 0, fmt.Errorf("%s %q: unable to find group %s: %s: %w", flag, value, g, why, errdefs.ErrInvalidArgument)
}

// resolveUser resolves user[:group] and --group-add through the rootfs's
// /etc/passwd and /etc/group as Podman does: a named user must exist; a
// numeric one need not (gid 0 then); without an explicit group the user's
// primary group and every group listing the user by name are used.
func resolveUser(rootfs, flag, spec, user, group string, groupAdd []string) (execUser, error) {
	f := &idFiles{rootfs: rootfs}
	if user == "" {
		user = "0"
	}
	eu := execUser{Home: "/"}
	var name string
	users, err := f.users()
	if err != nil {
		return eu, err
	}
	uid, numeric := parseID(user)
	found := false
	for _, e := range users {
		if (numeric && e.UID == uid) || (!numeric && e.Name == user) {
			eu.UID, eu.GID, name, found = e.UID, e.GID, e.Name, true
			if e.Home != "" {
				eu.Home = e.Home
			}
			break
		}
	}
	if !found {
		if !numeric {
			why := "no matching entries in passwd file"
			if f.pMissing {
				why = "the container has no /etc/passwd"
			}
			// Podman's words (its run exits 126, its exec 255)
			return eu, errdefs.WithClass(fmt.Errorf("unable to find user %s: %s", user, why), errdefs.ErrNoSuchUser)
		}
		eu.UID, eu.GID, eu.UserMissing = uid, 0, true
	}
	if group != "" {
		if eu.GID, err = f.lookupGroup(flag, spec, group); err != nil {
			return eu, err
		}
		if _, numeric := parseID(group); numeric {
			groups, err := f.groups()
			if err != nil {
				return eu, err
			}
			eu.GroupMissing = true
			for _, g := range groups {
				if g.GID == eu.GID {
					eu.GroupMissing = false
				}
			}
		}
	}
	gids := []uint32{eu.GID}
	addGid := func(g uint32) {
		for _, x := range gids {
			if x == g {
				return
			}
		}
		gids = append(gids, g)
	}
	if group == "" && name != "" {
		groups, err := f.groups()
		if err != nil {
			return eu, err
		}
		for _, g := range groups {
			if containsStr(g.Members, name) {
				addGid(g.GID)
			}
		}
	}
	for _, g := range groupAdd {
		if g == keepGroups {
			continue
		}
		gid, err := f.lookupGroup(flagGroupAdd, g, g)
		if err != nil {
			return eu, err
		}
		addGid(gid)
	}
	eu.AdditionalGids = gids
	return eu, nil
}

// rootfsDirExists reports whether dir (a container path) is a directory in
// the rootfs, following symlinks inside it.
func rootfsDirExists(rootfs, dir string) bool {
	p, err := securejoin.SecureJoin(rootfs, dir)
	if err != nil {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
