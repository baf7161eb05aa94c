package libpod

import (
	"time"
)

// InspectVolumeData is `volume inspect`'s document, with Podman's fields.
type InspectVolumeData struct {
	Name        string            `json:"Name"`
	Driver      string            `json:"Driver"`
	Mountpoint  string            `json:"Mountpoint"`
	CreatedAt   time.Time         `json:"CreatedAt,omitempty"`
	Labels      map[string]string `json:"Labels"`
	Scope       string            `json:"Scope"`
	Options     map[string]string `json:"Options"`
	UID         int               `json:"UID,omitempty"`
	GID         int               `json:"GID,omitempty"`
	Anonymous   bool              `json:"Anonymous,omitempty"`
	MountCount  uint              `json:"MountCount"`
	NeedsCopyUp bool              `json:"NeedsCopyUp,omitempty"`
	NeedsChown  bool              `json:"NeedsChown,omitempty"`
}

// Inspect returns the volume's inspect document.
func (v *Volume) Inspect() InspectVolumeData {
	d := InspectVolumeData{
		Name: v.config.Name, Driver: v.config.Driver, Mountpoint: v.Mountpoint(), CreatedAt: v.config.CreatedAt,
		Labels: v.config.Labels, Scope: "local", Options: v.config.Options, Anonymous: v.config.Anonymous,
		MountCount: uint(len(v.state.MountedBy)), NeedsCopyUp: v.state.NeedsCopyUp, NeedsChown: v.state.NeedsChown,
	}
	if d.Labels == nil {
		d.Labels = map[string]string{}
	}
	if d.Options == nil {
		d.Options = map[string]string{}
	}
	if v.config.UID != nil {
		d.UID = *v.config.UID
	}
	if v.config.GID != nil {
		d.GID = *v.config.GID
	}
	return d
}
