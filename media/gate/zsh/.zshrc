# TwoKey: zsh gate, interactive startup file. Sources the user's .zshrc (plugins, prompt,
# aliases) with ZDOTDIR pointing at the user's folder, then installs the gate.
#
# The gate is a preexec hook: zsh hands it the whole line (with aliases expanded) after it
# was read and before any of it runs. Harmless lines never leave the shell. To refuse, the
# hook arms a one-shot TRAPDEBUG that returns 126: zsh then abandons the whole line
# (nothing on it runs) and $? is 126, which VS Code's shell integration reports as the
# command's exit code. No ZLE widget is replaced.
[[ ${HISTFILE-} == $__twokey_zdir/* ]] && HISTFILE=$__twokey_udir/${HISTFILE:t}
if [[ -f $__twokey_udir/.zshrc ]]; then
  ZDOTDIR=$__twokey_udir
  builtin source "$__twokey_udir/.zshrc"
  [[ -n ${ZDOTDIR-} && $ZDOTDIR != $__twokey_zdir ]] && __twokey_udir=$ZDOTDIR
fi
ZDOTDIR=$__twokey_zdir
[[ ${HISTFILE-} == $__twokey_zdir/* ]] && HISTFILE=$__twokey_udir/${HISTFILE:t}

if [[ ${(t)__twokey_node} == *readonly* && -o interactive && ${(t)__twokey_installed} != *readonly* ]]; then
  typeset -gr __twokey_installed=1
  typeset -g __twokey_armed=0
  typeset -gi __twokey_beats=0

  __twokey_preexec() {
    # Before the line runs: hooks, functions and options as installed (the precmd hook may
    # be the one that was removed), so the refusal below fires before anything runs. The
    # option first, outside emulate -L (which would put it back on return).
    local __tk_opt=''
    [[ -o debug_before_cmd ]] || { builtin setopt debug_before_cmd; __tk_opt='debug_before_cmd was switched off'; }
    builtin emulate -L zsh
    # The PATH shims stay first, whatever rc files or precmd hooks (nvm, asdf, mise) put in front.
    [[ -n ${__twokey_shimdir-} && ${path[1]-} != $__twokey_shimdir ]] && path=($__twokey_shimdir ${path:#$__twokey_shimdir})
    [[ ${functions[__twokey_integrity]-} == "${__twokey_bodies[__twokey_integrity]}" ]] || functions[__twokey_integrity]=${__twokey_bodies[__twokey_integrity]}
    __twokey_integrity "$__tk_opt" quick
    __twokey_check "${3:-$1}" && return 0
    # TRAPDEBUG (below) abandons the line at its first command.
    __twokey_armed=1
  }

  __twokey_precmd() {
    local __tk_opt=''
    [[ -o debug_before_cmd ]] || { builtin setopt debug_before_cmd; __tk_opt='debug_before_cmd was switched off'; }
    __twokey_armed=0
    [[ ${functions[__twokey_integrity]-} == "${__twokey_bodies[__twokey_integrity]}" ]] || functions[__twokey_integrity]=${__twokey_bodies[__twokey_integrity]}
    __twokey_integrity "$__tk_opt"
    # The policy's protected variables as they are now (a policy reload rewrites the file).
    __twokey_reread
    # The heartbeat: the count of this shell's prompts, in a file named by its pid. The
    # extension compares it with the commands shell integration reports: a gate that stopped
    # running at the prompt (hooks removed, another shell exec'd) is noticed.
    (( ++__twokey_beats ))
    [[ -n ${__twokey_beatdir-} ]] && builtin print -rn -- $__twokey_beats 2>/dev/null >| $__twokey_beatdir/$$
    return 0
  }

  # zsh's debug trap, before every command: it refuses the line the preexec hook armed it for
  # (returning 126 makes zsh abandon the whole line: nothing on it runs), and it is the third
  # anchor: with both hooks gone it restores them, reports it and checks the line itself.
  # Other hooks' commands (inside functions) are left alone.
  TRAPDEBUG() {
    (( ${#funcstack} > 1 )) && return 0
    if (( __twokey_armed )); then
      __twokey_armed=0
      return 126
    fi
    [[ ${preexec_functions[1]-} == __twokey_preexec ]] && (( ${precmd_functions[(Ie)__twokey_precmd]} )) && return 0
    functions[__twokey_integrity]=${__twokey_bodies[__twokey_integrity]}
    __twokey_integrity ''
    [[ -z $ZSH_DEBUG_CMD ]] || __twokey_check "$ZSH_DEBUG_CMD" || return 126
    return 0
  }

  # The hooks first in their lists, the gate's functions as written, debug_before_cmd on:
  # whatever was changed is put back and reported (the broker marks the terminal, records
  # it, and the next line waits for a person).
  __twokey_integrity() {
    builtin emulate -L zsh
    # A TRAP function restored here must outlive this function.
    builtin setopt no_local_traps
    local __tk_what="${1:+$1; }" __tk_f
    [[ ${preexec_functions[1]-} == __twokey_preexec ]] || __tk_what+='the preexec hook was removed or moved; '
    (( ${precmd_functions[(Ie)__twokey_precmd]} )) || __tk_what+='the precmd hook was removed; '
    # The functions' text (costly to produce) once per line, from the precmd hook; before a
    # line only the hooks and the option (with the hooks gone, the debug trap does the rest).
    [[ $2 == quick ]] || for __tk_f in ${(k)__twokey_bodies}; do
      [[ ${functions[$__tk_f]-} == "${__twokey_bodies[$__tk_f]}" ]] && continue
      __tk_what+="the function $__tk_f was changed; "
      # A TRAP function is a trap only when defined as a function, not through $functions.
      if [[ $__tk_f == TRAP* ]]; then
        builtin eval "$__tk_f() {"$'\n'"${__twokey_bodies[$__tk_f]}"$'\n'"}"
      else
        functions[$__tk_f]=${__twokey_bodies[$__tk_f]}
      fi
    done
    [[ -n $__tk_what ]] || return 0
    typeset -ga preexec_functions precmd_functions
    preexec_functions=(__twokey_preexec ${preexec_functions:#__twokey_preexec})
    (( ${precmd_functions[(Ie)__twokey_precmd]} )) || precmd_functions=(__twokey_precmd $precmd_functions)
    __twokey_report_tamper "${__tk_what%; }"
  }

  __twokey_report_tamper() {
    __twokey_tampered="${__twokey_tampered:+$__twokey_tampered; }$1"
    builtin print -ru2 -- "TwoKey: this terminal's gate was tampered with ($1); it was restored, and the next command waits for a person."
    __twokey_helper terminal "$1" --tamper >/dev/null 2>&1 &!
  }

  # First, so that the refusal is armed before any other hook's commands can matter; the
  # precmd one restores the gate between lines.
  typeset -ga preexec_functions precmd_functions
  preexec_functions=(__twokey_preexec ${preexec_functions:#__twokey_preexec})
  precmd_functions=(__twokey_precmd ${precmd_functions:#__twokey_precmd})
  # The gate's functions as installed: what the integrity check compares and restores.
  typeset -gA __twokey_bodies
  for __tk_f in __twokey_preexec __twokey_precmd __twokey_integrity __twokey_report_tamper __twokey_check __twokey_defs __twokey_helper __twokey_risky __twokey_maybe_named __twokey_reread TRAPDEBUG; do
    __twokey_bodies[$__tk_f]=${functions[$__tk_f]}
  done
  unset __tk_f
  typeset -gr __twokey_bodies
fi
(( ${+functions[__twokey_arm_debug]} )) && __twokey_arm_debug zshrc
