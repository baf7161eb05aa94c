package main

import (
	"github.com/sirupsen/logrus"
	"go.podman.io/common/libimage"
	"go.podman.io/common/pkg/config"

	"github.com/pod-engine/pod/pkg/events"
)

// Image events: libimage reports what it did (pull, push, tag, untag,
// remove, save, load, mount, unmount) on the runtime's event channel, the
// channel Podman's libpod reads; pod-image writes each one to pod's event
// log (containers.conf events_logger, --events-backend), so `pod events`
// shows image events as Podman's does.

// recordEvents starts writing rt's events. A backend that cannot be used
// (journald where none runs) is a warning, never the verb's error.
func (a *app) recordEvents(rt *libimage.Runtime) {
	w, err := a.eventer()
	if err != nil {
		logrus.Warnf("image events are not recorded: %v", err)
		return
	}
	ch := rt.EventChannel()
	a.evDone = make(chan struct{})
	go func() {
		defer close(a.evDone)
		for e := range ch {
			ev, ok := imageEvent(e)
			if !ok {
				continue
			}
			if err := w.Write(ev); err != nil {
				logrus.Warnf("unable to write image %s event: %v", ev.Status, err)
			}
		}
	}()
}

// flushEvents waits until every event of this invocation is written. The
// store is shut down: libimage sends nothing more.
func (a *app) flushEvents() {
	if a.evDone == nil {
		return
	}
	close(a.runtime.EventChannel())
	<-a.evDone
	a.evDone = nil
}

// eventer opens the backend pod would use: containers.conf's events
// settings, with pod's --events-backend and --tmpdir forwarded.
func (a *app) eventer() (events.Eventer, error) {
	cfg, err := config.Default()
	if err != nil {
		return nil, err
	}
	e := cfg.Engine
	o := events.Options{Backend: e.EventsLogger, LogFile: e.EventsLogFilePath, TmpDir: e.TmpDir, MaxSize: e.EventsLogMaxSize()}
	if a.g.eventsBackend != "" {
		o.Backend = a.g.eventsBackend
	}
	if a.g.tmpDir != "" {
		o.TmpDir = a.g.tmpDir
	}
	return events.New(o)
}

// imageEvent is e in Podman's shape; libimage's pull errors have no
// Podman 4.3.1 event.
func imageEvent(e *libimage.Event) (events.Event, bool) {
	st, ok := map[libimage.EventType]events.Status{
		libimage.EventTypeImagePull:    events.Pull,
		libimage.EventTypeImagePush:    events.Push,
		libimage.EventTypeImageRemove:  events.Remove,
		libimage.EventTypeImageLoad:    events.LoadFromArch,
		libimage.EventTypeImageSave:    events.Save,
		libimage.EventTypeImageTag:     events.Tag,
		libimage.EventTypeImageUntag:   events.Untag,
		libimage.EventTypeImageMount:   events.Mount,
		libimage.EventTypeImageUnmount: events.Unmount,
	}[e.Type]
	if !ok {
		return events.Event{}, false
	}
	return events.Event{Type: events.Image, Status: st, ID: e.ID, Name: e.Name, Time: e.Time}, true
}
