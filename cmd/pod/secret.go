package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/secret"
)

func init() { commands = append(commands, secretCommand) }

// maxSecretInput bounds what `secret create` reads (the library refuses
// 512000 bytes and more; reading one byte past tells us the input is too big).
const maxSecretInput = 512000

func secretCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "secret", Short: "Manage secrets", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(secretCreateCommand(), secretLsCommand(), secretInspectCommand(), secretRmCommand(), secretExistsCommand())
	return cmd
}

func withSecrets(fn func(*secret.Store) error) error {
	return withRuntime(func(rt *libpod.Runtime) error {
		s, err := rt.Secrets()
		if err != nil {
			return err
		}
		return fn(s)
	})
}

func secretCreateCommand() *cobra.Command {
	var o secret.CreateOptions
	var labels []string
	var fromEnv bool
	cmd := &cobra.Command{
		Use:   "create [options] NAME FILE|-",
		Short: "Create a new secret",
		Long:  `Create a secret. Input can be a path to a file or "-" (read from stdin). Default driver is file (unencrypted).`,
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Labels, err = keyValues("--label", labels); err != nil {
				return err
			}
			data, err := secretInput(args[1], fromEnv)
			if err != nil {
				return err
			}
			return withSecrets(func(s *secret.Store) error {
				id, err := s.Create(args[0], data, o)
				if err != nil {
					return err
				}
				fmt.Println(id)
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Driver, "driver", "d", "file", "Specify secret driver")
	fl.StringToStringVar(&o.DriverOpts, "driver-opts", nil, "Specify driver specific options")
	fl.BoolVar(&fromEnv, "env", false, "Read secret data from environment variable")
	fl.StringArrayVarP(&labels, "label", "l", nil, "Specify labels on the secret")
	fl.BoolVar(&o.Replace, "replace", false, "If a secret with the same name exists, replace it")
	return cmd
}

// secretInput reads a secret's data from a file, stdin ("-") or, with
// --env, the environment variable named src.
func secretInput(src string, fromEnv bool) ([]byte, error) {
	if fromEnv {
		v, ok := os.LookupEnv(src)
		if !ok {
			return nil, fmt.Errorf("cannot create store secret data: environment variable %s is not set: %w", src, errdefs.ErrInvalidArgument)
		}
		return []byte(v), nil
	}
	var r io.Reader = os.Stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("reading secret data: %w", notFoundIfMissing(err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSecretInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading secret data from %s: %w", src, err)
	}
	return data, nil
}

func notFoundIfMissing(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return errdefs.WithClass(err, errdefs.ErrNotFound)
	}
	return err
}

// secretRow is one line of `secret ls`.
type secretRow struct {
	ID, Name, Driver     string
	CreatedAt, UpdatedAt string
}

func secretLsCommand() *cobra.Command {
	var format string
	var filters []string
	var noHeading, quiet bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List secrets",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := secretFilter(filters)
			if err != nil {
				return err
			}
			return withSecrets(func(s *secret.Store) error {
				all, err := s.List()
				if err != nil {
					return err
				}
				infos := selected(all, match)
				if quiet {
					for _, i := range infos {
						fmt.Println(i.ID)
					}
					return nil
				}
				if isJSONFormat(format) {
					return printJSON(infos)
				}
				rows := make([]any, 0, len(infos))
				for _, i := range infos {
					rows = append(rows, secretRow{ID: i.ID, Name: i.Spec.Name, Driver: i.Spec.Driver.Name,
						CreatedAt: humanAgo(i.CreatedAt), UpdatedAt: humanAgo(i.UpdatedAt)})
				}
				f := format
				if f == "" {
					f = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}"
				}
				// The header comes from the row type: Podman prints it with no secret too.
				spec := reportSpec{Name: "format", Format: f, HeaderOf: secretRow{},
					Headers: map[string]string{"CreatedAt": "CREATED", "UpdatedAt": "UPDATED"}}
				return writeListing(f, noHeading, func(w io.Writer) error { return printReport(w, spec, rows) })
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVarP(&filters, "filter", "f", nil, "Filter secret output")
	fl.StringVar(&format, "format", "", "Format volume output using Go template")
	fl.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fl.BoolVarP(&quiet, "quiet", "q", false, "Print secret IDs only")
	return cmd
}

// secretFilter builds `secret ls --filter`'s matcher: name= and id= (by
// prefix, as Podman matches them); filters of one key are ORed, keys ANDed.
func secretFilter(filters []string) (func(secret.Info) bool, error) {
	by := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok || (k != "name" && k != "id") {
			return nil, fmt.Errorf("invalid filter %q: use name=NAME or id=ID: %w", f, errdefs.ErrInvalidArgument)
		}
		by[k] = append(by[k], v)
	}
	anyPrefix := func(s string, vs []string) bool {
		for _, v := range vs {
			if strings.HasPrefix(s, v) {
				return true
			}
		}
		return false
	}
	return func(i secret.Info) bool {
		if vs, ok := by["name"]; ok && !anyPrefix(i.Spec.Name, vs) {
			return false
		}
		if vs, ok := by["id"]; ok && !anyPrefix(i.ID, vs) {
			return false
		}
		return true
	}, nil
}

func secretInspectCommand() *cobra.Command {
	var format string
	var pretty bool
	cmd := &cobra.Command{
		Use:   "inspect [options] SECRET [SECRET...]",
		Short: "Inspect a secret",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withSecrets(func(s *secret.Store) error {
				var infos []any
				var errs []error
				for _, a := range args {
					i, err := s.Inspect(a)
					if err != nil {
						errs = append(errs, fmt.Errorf("inspecting secret: %w", err))
						continue
					}
					infos = append(infos, i)
				}
				var err error
				switch {
				case pretty:
					for _, v := range infos {
						i := v.(secret.Info)
						fmt.Printf("ID:              %s\nName:              %s\nDriver:            %s\nCreated at:        %s\nUpdated at:        %s\n",
							i.ID, i.Spec.Name, i.Spec.Driver.Name, i.CreatedAt, i.UpdatedAt)
					}
				case format != "" && !isJSONFormat(format):
					err = renderTemplate(os.Stdout, format, nil, infos)
				default:
					if infos == nil {
						infos = []any{}
					}
					err = printJSON(infos)
				}
				if err != nil {
					errs = append(errs, err)
				}
				return lastError(errs)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "", "Format inspect output using Go template")
	fl.BoolVar(&pretty, "pretty", false, "Print inspect output in human-readable format")
	return cmd
}

func secretRmCommand() *cobra.Command {
	var all, ignore bool
	cmd := &cobra.Command{
		Use:   "rm [options] SECRET [SECRET...]",
		Short: "Remove one or more secrets",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give secret names or --all, not both and not neither: %w", errdefs.ErrInvalidArgument)
			}
			return withSecrets(func(s *secret.Store) error {
				if all {
					infos, err := s.List()
					if err != nil {
						return err
					}
					for _, i := range infos {
						args = append(args, i.ID)
					}
				}
				var errs []error
				for _, a := range args {
					id, err := s.Remove(a)
					switch {
					case err == nil:
						fmt.Println(id)
					case ignore && errors.Is(err, errdefs.ErrNotFound):
					default:
						errs = append(errs, err)
					}
				}
				return lastError(errs)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Remove all secrets")
	fl.BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified secret is missing")
	return cmd
}

func secretExistsCommand() *cobra.Command {
	return objectExistsCommand("exists SECRET", "Check if a secret exists in local storage", func(name string) error {
		return withSecrets(func(s *secret.Store) error {
			_, err := s.Inspect(name)
			return err
		})
	})
}
