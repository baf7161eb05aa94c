package checkpoint

import "encoding/json"

// CheckpointStats is what `checkpoint --print-stats` prints, in Podman's
// JSON keys (durations in microseconds).
type CheckpointStats struct {
	PodmanDuration      int64             `json:"podman_checkpoint_duration"`
	ContainerStatistics []*ContainerStats `json:"container_statistics"`
}

// RestoreStats is what `restore --print-stats` prints.
type RestoreStats struct {
	PodmanDuration      int64             `json:"podman_restore_duration"`
	ContainerStatistics []*ContainerStats `json:"container_statistics"`
}

// ContainerStats is one container's part: the runtime's duration of its
// checkpoint or restore, and criu's statistics (stats-dump, as raw JSON
// when pod could read them; null otherwise).
type ContainerStats struct {
	ID                string          `json:"Id"`
	CheckpointRuntime int64           `json:"runtime_checkpoint_duration,omitempty"`
	RestoreRuntime    int64           `json:"runtime_restore_duration,omitempty"`
	CRIUStatistics    json.RawMessage `json:"criu_statistics"`
}
