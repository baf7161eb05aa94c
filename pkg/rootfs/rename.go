package rootfs

import (
	"archive/tar"
	"errors"
	"io"
	"path"
	"strings"
)

// prefixNames returns the tar stream r with every entry moved under dir
// (hard link targets too). Entries that would leave dir ("../x", absolute
// names are taken as relative) are an error.
func prefixNames(r io.Reader, dir string) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		tr, tw := tar.NewReader(r), tar.NewWriter(pw)
		err := func() error {
			for {
				hdr, err := tr.Next()
				if errors.Is(err, io.EOF) {
					return tw.Close()
				}
				if err != nil {
					return err
				}
				if hdr.Name, err = under(dir, hdr.Name); err != nil {
					return err
				}
				if hdr.Typeflag == tar.TypeLink {
					if hdr.Linkname, err = under(dir, hdr.Linkname); err != nil {
						return err
					}
				}
				if err := tw.WriteHeader(hdr); err != nil {
					return err
				}
				if _, err := io.Copy(tw, tr); err != nil {
					return err
				}
			}
		}()
		pw.CloseWithError(err)
	}()
	return pr
}

// under joins name to dir, refusing names that climb out of dir; absolute
// names count as relative, as tar(1) extracts them.
func under(dir, name string) (string, error) {
	clean := path.Clean(strings.TrimLeft(name, "/"))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", errors.New("archive entry " + name + " leaves the destination directory")
	}
	out := path.Join(dir, clean)
	if strings.HasSuffix(name, "/") && out != "/" {
		out += "/"
	}
	return out, nil
}
