// Package checkpoint owns what checkpoint/restore needs beside the runtime:
// whether criu works on this host (Check) and can track memory for a
// pre-checkpoint (CheckMemTrack), the statistics --print-stats
// prints, and the archive of `checkpoint --export` / `restore --import` in
// Podman's layout (checkpoint/, config.dump, spec.dump, rootfs-diff.tar,
// deleted.files, stats-dump), which is also the layer of a checkpoint image
// (`checkpoint --create-image`, `restore IMAGE`), with Podman's annotations.
// It knows nothing of libpod: libpod hands it
// directories and files.
package checkpoint
