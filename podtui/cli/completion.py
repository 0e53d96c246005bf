"""Shell completion: `podtui completion bash|zsh|fish` prints a script for the shell.

The scripts are thin: they pass the words typed so far to the hidden
`podtui __complete -- WORD... CURRENT` (podtui.cli.complete), which prints one candidate
per line.
"""

from __future__ import annotations

import argparse
import sys

SHELLS = ("bash", "zsh", "fish")

BASH = r'''# podtui completion for bash. Load it with: source <(podtui completion bash)
_podtui() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ $prev == --kubeconfig ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete -- \
        "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "$cur"))
}
complete -F _podtui podtui kubectl-podtui
'''

ZSH = r'''#compdef podtui kubectl-podtui
# podtui completion for zsh. Load it with: source <(podtui completion zsh)
# (after compinit), or save it as _podtui in a directory of $fpath.
_podtui() {
    if [[ ${words[CURRENT-1]} == --kubeconfig ]]; then
        _files
        return
    fi
    local -a candidates
    candidates=(${(f)"$(${words[1]} __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)"})
    compadd -- $candidates
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _podtui "$@"
else
    compdef _podtui podtui kubectl-podtui
fi
'''

FISH = r'''# podtui completion for fish. Load it with: podtui completion fish | source
# (or save it as ~/.config/fish/completions/podtui.fish)
function __podtui_complete
    set -l words (commandline -opc)
    $words[1] __complete -- $words[2..-1] (commandline -ct) 2>/dev/null
end
for command in podtui kubectl-podtui
    complete -c $command -f -a '(__podtui_complete)'
    complete -c $command -l kubeconfig -r -F
end
'''

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Print the shell completion script for bash, zsh or fish."
    parser.epilog = ("bash: source <(podtui completion bash); zsh: source <(podtui completion "
                     "zsh); fish: podtui completion fish | source")
    parser.add_argument("shell", choices=SHELLS)


def print_script(shell: str) -> int:
    sys.stdout.write(SCRIPTS[shell])
    return 0
