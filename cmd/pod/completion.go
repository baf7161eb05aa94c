package main

// `pod completion`: shell completion scripts from cobra's generators, with
// Podman's flags (--file, --no-desc). The scripts call `pod __complete`,
// which cobra answers from the command tree.

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, completionCommand)
}

func completionCommand() *cobra.Command {
	var file string
	var noDesc bool
	shells := []string{"bash", "zsh", "fish", "powershell"}
	cmd := &cobra.Command{
		Use:   "completion [options] {bash|zsh|fish|powershell}",
		Short: "Generate shell autocompletions",
		Long: `Generate shell autocompletions.
  Valid arguments are bash, zsh, fish and powershell.
  Load them with, for example, source <(pod completion bash).`,
		Example: `  pod completion bash
  pod completion zsh -f _pod
  pod completion fish --no-desc`,
		ValidArgs: shells,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var w io.Writer = os.Stdout
			if file != "" {
				f, err := os.Create(file)
				if err != nil {
					return fmt.Errorf("--file: %w", err)
				}
				defer f.Close()
				w = f
			}
			if err := generateCompletion(cmd.Root(), w, args[0], !noDesc); err != nil {
				return err
			}
			_, err := fmt.Fprintf(w, "# This file is generated with %q; DO NOT EDIT!\n", cmd.CommandPath()+" "+strings.Join(args, " "))
			return err
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "Output the completion to file rather than stdout.")
	cmd.Flags().BoolVar(&noDesc, "no-desc", false, "Don't include descriptions in the completion output.")
	return cmd
}

// generateCompletion writes root's completion script for shell.
func generateCompletion(root *cobra.Command, w io.Writer, shell string, desc bool) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return fmt.Errorf("invalid argument %q for %q: %w", shell, root.Name()+" completion", errdefs.ErrInvalidArgument)
}
