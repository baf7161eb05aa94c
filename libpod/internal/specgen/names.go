package specgen

// IDNames maps the uids and gids of a container's /etc/passwd and
// /etc/group (read inside rootfs) to their names, for `top`. Missing or
// unreadable files give empty maps.
func IDNames(rootfs string) (users, groups map[int]string) {
	users, groups = map[int]string{}, map[int]string{}
	f := &idFiles{rootfs: rootfs}
	if us, err := f.users(); err == nil {
		for _, u := range us {
			if _, dup := users[int(u.UID)]; !dup {
				users[int(u.UID)] = u.Name
			}
		}
	}
	if gs, err := f.groups(); err == nil {
		for _, g := range gs {
			if _, dup := groups[int(g.GID)]; !dup {
				groups[int(g.GID)] = g.Name
			}
		}
	}
	return users, groups
}
