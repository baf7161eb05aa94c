package events

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ReadOptions select the events Read sends.
type ReadOptions struct {
	Filters []string // KEY=VALUE: container, event, image, label, pod, type, volume, since, until
	Since   time.Time
	Until   time.Time
	Stream  bool
	Out     chan<- Event
}

// compile turns the filters into one predicate: values of one key are
// alternatives, different keys must all match. since/until filters narrow
// o.Since and o.Until.
func (o *ReadOptions) compile() (func(*Event) bool, error) {
	byKey := map[string][]func(*Event) bool{}
	var keys []string
	for _, f := range o.Filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("invalid filter %q: use KEY=VALUE", f)
		}
		k = strings.ToLower(k)
		var fn func(*Event) bool
		switch k {
		case "container":
			fn = func(e *Event) bool {
				return e.Type == Container && (e.Name == v || (len(v) >= 3 && strings.HasPrefix(e.ID, v)))
			}
		case "event", "status":
			st, err := ParseStatus(v)
			if err != nil {
				return nil, fmt.Errorf("invalid filter %q: %w", f, err)
			}
			fn = func(e *Event) bool { return e.Status == st }
		case "image":
			fn = func(e *Event) bool { return imageMatches(e, v) }
		case "label":
			lk, lv, hasV := strings.Cut(v, "=")
			fn = func(e *Event) bool {
				got, ok := e.Attributes[lk]
				return ok && (!hasV || got == lv)
			}
		case "pod":
			fn = func(e *Event) bool {
				return (e.Type == Pod && (e.Name == v || strings.HasPrefix(e.ID, v))) || (e.PodID != "" && strings.HasPrefix(e.PodID, v))
			}
		case "volume":
			fn = func(e *Event) bool { return e.Type == Volume && (e.Name == v || strings.HasPrefix(e.ID, v)) }
		case "type":
			t, err := ParseType(v)
			if err != nil {
				return nil, fmt.Errorf("invalid filter %q: %w", f, err)
			}
			fn = func(e *Event) bool { return e.Type == t }
		case "since", "until":
			t, err := ParseTime(v, time.Now())
			if err != nil {
				return nil, fmt.Errorf("invalid filter %q: %w", f, err)
			}
			if k == "since" && t.After(o.Since) {
				o.Since = t
			}
			if k == "until" && (o.Until.IsZero() || t.Before(o.Until)) {
				o.Until = t
			}
			continue
		default:
			return nil, fmt.Errorf("invalid filter %q: unknown key %q (use container, event, image, label, pod, type, volume, since or until)", f, k)
		}
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], fn)
	}
	since, until := o.Since, o.Until
	return func(e *Event) bool {
		if !since.IsZero() && e.Time.Before(since) {
			return false
		}
		if !until.IsZero() && e.Time.After(until) {
			return false
		}
		for _, k := range keys {
			any := false
			for _, fn := range byKey[k] {
				if fn(e) {
					any = true
					break
				}
			}
			if !any {
				return false
			}
		}
		return true
	}, nil
}

// imageMatches reports whether e is about image v: a container made from it
// or an image event naming it, by ID prefix, full or short name.
func imageMatches(e *Event, v string) bool {
	names := []string{e.Image}
	if e.Type == Image {
		names = append(names, e.Name)
		if len(v) >= 3 && strings.HasPrefix(e.ID, v) {
			return true
		}
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if n == v || strings.TrimSuffix(n, ":latest") == v || strings.HasPrefix(n, "sha256:"+v) {
			return true
		}
		short := strings.TrimPrefix(n, "localhost/")
		if short == v || strings.TrimSuffix(short, ":latest") == v {
			return true
		}
	}
	return false
}

// ParseTime reads a --since/--until value as Podman does: a duration before
// now (10m, 1h30m), Unix seconds (with an optional fraction), or a
// timestamp (RFC 3339, or a date and time in the local zone).
func ParseTime(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if secs, frac, ok := strings.Cut(s, "."); regularNumber(secs) && (!ok || regularNumber(frac)) {
		sec, err := strconv.ParseInt(secs, 10, 64)
		if err == nil {
			var nsec int64
			if ok {
				frac = (frac + "000000000")[:9]
				nsec, _ = strconv.ParseInt(frac, 10, 64)
			}
			return time.Unix(sec, nsec), nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use a duration (10m), Unix seconds or an RFC 3339 timestamp", s)
}

func regularNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
