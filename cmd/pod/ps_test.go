package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagestore"
)

func testRows() []psRow {
	now := time.Now()
	mk := func(id, name, state string, created time.Time, cmd ...string) psRow {
		r := psRow{ID: id, Names: []string{name}, State: state, Command: cmd, Image: "localhost/busybox:latest",
			ImageID: strings.Repeat("ab", 32), Created: created.Unix(), created: created,
			CreatedAt: humanAgo(created), StartedAt: created.Unix(), ExitedAt: time.Time{}.Unix(),
			Mounts: []string{}, Networks: []string{}, runtime: "crun"}
		if state == "exited" {
			r.ExitCode, r.Exited, r.ExitedAt = 3, true, now.Add(-time.Minute).Unix()
		}
		r.Status = r.human()
		return r
	}
	return []psRow{
		mk(strings.Repeat("1", 64), "web.1", "running", now.Add(-time.Hour), "sleep", "1000"),
		mk(strings.Repeat("2", 64), "db_2", "exited", now.Add(-30*time.Minute), "sh", "-c", "exit 3; echo a long tail"),
		mk(strings.Repeat("0", 64), "c-3", "created", now.Add(-time.Minute), "true"),
	}
}

func render(t *testing.T, o psOptions, rows []psRow) string {
	t.Helper()
	var b bytes.Buffer
	if err := writePs(&b, &o, rows); err != nil {
		t.Fatalf("writePs(%+v): %v", o, err)
	}
	return b.String()
}

func TestPsDefaultTable(t *testing.T) {
	got := render(t, psOptions{}, testRows())
	want := regexp.MustCompile(`^CONTAINER ID  IMAGE                     COMMAND               CREATED             STATUS                         PORTS       NAMES\n` +
		`111111111111  localhost/busybox:latest  sleep 1000            About an hour ago   Up About an hour ago +web.1\n` +
		`222222222222  localhost/busybox:latest  sh -c exit 3; ech\.\.\.  30 minutes ago      Exited \(3\) About a minute ago +db_2\n` +
		`000000000000  localhost/busybox:latest  true                  About a minute ago  Created +c-3\n$`)
	if !want.MatchString(got) {
		t.Errorf("table:\n%s\nwant\n%s", got, want)
	}
	if got := render(t, psOptions{noHeading: true, quiet: false, format: "", noTrunc: true}, testRows()[:1]); !strings.HasPrefix(got, strings.Repeat("1", 64)+"  ") {
		t.Errorf("--noheading --no-trunc: %q", got)
	}
	if got := render(t, psOptions{quiet: true}, testRows()); got != "111111111111\n222222222222\n000000000000\n" {
		t.Errorf("-q: %q", got)
	}
	if got := render(t, psOptions{pod: true, size: true}, nil); got != "CONTAINER ID  IMAGE       COMMAND     CREATED     STATUS      PORTS       NAMES       POD ID      PODNAME     SIZE\n" {
		t.Errorf("--pod --size header: %q", got)
	}
	if got := render(t, psOptions{ns: true}, nil); got != "CONTAINER ID  NAMES       PID         CGROUPNS    IPC         MNT         NET         PIDNS       USERNS      UTS\n" {
		t.Errorf("--ns header: %q", got)
	}
}

func TestPsFormatFields(t *testing.T) {
	rows := testRows()
	rows[0].Labels = map[string]string{"k": `v "q" <&>`}
	rows[0].Size = &psSize{RootFsSize: 1985580, RwSize: 12}
	rows[0].Namespaces.PIDNS = "4026532315"
	for format, want := range map[string]string{
		`{{.Label "k"}}|{{.Label "x"}}`:                `v "q" <&>|`,
		`{{json .Labels}}`:                             `{"k":"v \"q\" <&>"}`,
		`{{.Size}}`:                                    "12B (virtual 1.99MB)",
		`{{.Namespaces.PIDNS}}|{{.PIDNS}}`:             "4026532315|4026532315",
		`{{.Id}}|{{.ID}}|{{.ImageID}}`:                 "111111111111|111111111111|abababababab",
		`{{upper .Names}} {{truncate .Image 5}}`:       "WEB.1 local",
		`{{join .Mounts ","}}{{.Mounts}}{{.Networks}}`: "[]",
		`{{.State}}|{{.Status}}|{{.Exited}}`:           "Up About an hour ago|Up About an hour ago|false",
		`{{.Runtime}} {{.Restarts}} {{.Pod}}`:          "crun 0 ",
	} {
		if got := render(t, psOptions{format: format, size: true}, rows[:1]); got != want+"\n" {
			t.Errorf("%s: got %q, want %q", format, got, want)
		}
	}
	got := render(t, psOptions{format: "table {{.ID}} {{.RunningFor}} {{.CreatedAt}}"}, rows[:1])
	if !strings.HasPrefix(got, "CONTAINER ID  RUNNING FOR        CREATED AT\n111111111111  About an hour ago  20") {
		t.Errorf("table with spaces: %q", got)
	}
	got = render(t, psOptions{format: `table {{.Names}} {{.Label "k"}}`}, rows[:1])
	if got != "NAMES       K\nweb.1       v \"q\" <&>\n" {
		t.Errorf("table with a label: %q", got)
	}
	var b bytes.Buffer
	if err := writePs(&b, &psOptions{format: "{{.Nope}}"}, rows); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "can't evaluate field Nope") {
		t.Errorf("bad field: %v", err)
	}
}

func TestPsJSON(t *testing.T) {
	var b bytes.Buffer
	if err := writePs(&b, &psOptions{format: "json"}, nil); err != nil || b.String() != "[]\n" {
		t.Fatalf("empty: %q %v", b.String(), err)
	}
	b.Reset()
	ext := newExternalRow(imagestore.StorageContainer{ID: strings.Repeat("e", 64), Names: []string{"w c"}, Buildah: true, Created: time.Now()})
	if err := writePs(&b, &psOptions{format: "json"}, append(testRows(), ext)); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	if len(got) != 4 || got[0]["Id"] != strings.Repeat("1", 64) || got[1]["ExitCode"] != 3.0 {
		t.Errorf("rows: %v", got)
	}
	e := got[3]
	if e["State"] != "storage" || e["Status"] != "Storage" || e["Image"] != "scratch" || e["Command"].([]any)[0] != "buildah" || e["Mounts"] != nil {
		t.Errorf("external row: %v", e)
	}
	if !strings.HasPrefix(b.String(), "[\n  {\n    \"AutoRemove\": false,\n    \"Command\": [\n") {
		t.Errorf("indent: %q", b.String()[:60])
	}
}

func TestPsSort(t *testing.T) {
	names := func(rows []psRow) string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Names[0])
		}
		return strings.Join(s, ",")
	}
	for by, want := range map[string]string{
		"created": "web.1,db_2,c-3", "names": "c-3,db_2,web.1", "id": "c-3,web.1,db_2",
		"command": "db_2,web.1,c-3", "status": "c-3,db_2,web.1", "runningfor": "web.1,db_2,c-3",
		"image": "c-3,db_2,web.1", "size": "c-3,db_2,web.1", // equal keys keep their order
	} {
		rows := testRows()
		rows[0], rows[2] = rows[2], rows[0]
		sortPs(rows, by)
		if got := names(rows); got != want {
			t.Errorf("--sort %s: %s, want %s", by, got, want)
		}
	}
	var s string
	v := choiceValue{value: &s, choices: psSortKeys}
	if err := v.Set("bad"); err == nil || err.Error() != `"bad" is not a valid value.  Choose from: "command, created, id, image, names, runningfor, size, status"` {
		t.Errorf("bad choice: %v", err)
	}
	if err := v.Set("names"); err != nil || s != "names" || v.Type() != "choice" {
		t.Errorf("good choice: %v %q", err, s)
	}
}
