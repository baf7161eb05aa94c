// Package shimmon is pod-shim, the per-container monitor of the shim v2
// runtime kind. It outlives the pod command that created the container and
// gives a shim-run container the same on-disk contract as a conmon-run one
// (package conmon): k8s-file logs, an attach socket and a ctl FIFO in the
// bundle, an exit file in the exit dir and the persist dir, then the exit
// command (`pod container cleanup`).
//
// pod-shim speaks the conmon protocol, so the shimv2 driver starts it with
// package conmon/client exactly as the oci driver starts conmon: conmon's
// command line (-r names the shim binary), the _OCI_SYNCPIPE/_OCI_STARTPIPE/
// _OCI_ATTACHPIPE handshake, daemonizing and the --conmon-pidfile. Settings
// conmon has no flag for travel as --runtime-arg values (see shimwire.Flags).
//
// For a container, pod-shim creates the shim's mandatory log FIFO and the
// stdio FIFOs, runs `<shim> start`, calls Create, reports the init pid and
// writes the shimwire.State to <shim bundle>/pod-shim.json; then it copies the stdio
// FIFOs to the log and the attach clients, forwards attach input and ctl
// resizes, and blocks in Wait. When the shim dies instead, its `delete`
// subcommand supplies the exit status (137). For an exec (-e) it does the
// same with Exec/Start/Wait/Delete of an exec id on the container's shim.
package shimmon
