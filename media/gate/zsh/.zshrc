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

  __twokey_preexec() {
    # emulate -L makes traps local too; the TRAPDEBUG below must outlive this function,
    # whatever the user's own options (local_traps) say.
    builtin emulate -L zsh
    builtin setopt no_local_traps
    # Before the line runs: hooks, functions and options as installed (the precmd hook may
    # be the one that was removed), so the refusal below fires before anything runs.
    [[ ${functions[__twokey_integrity]-} == "${__twokey_bodies[__twokey_integrity]}" ]] || functions[__twokey_integrity]=${__twokey_bodies[__twokey_integrity]}
    __twokey_integrity
    __twokey_check "${3:-$1}" && return 0
    __twokey_armed=1
    TRAPDEBUG() {
      # Other preexec hooks (VS Code's markers, prompt plugins) run first: let them. Once
      # fired it stays dormant until the next prompt removes it (a function cannot
      # unfunction itself while it runs).
      (( ${#funcstack} > 1 || ! __twokey_armed )) && return 0
      __twokey_armed=0
      return 126
    }
  }

  __twokey_precmd() {
    __twokey_armed=0
    [[ ${functions[TRAPDEBUG]-} == *__twokey_armed* ]] && builtin unfunction TRAPDEBUG
    [[ ${functions[__twokey_integrity]-} == "${__twokey_bodies[__twokey_integrity]}" ]] || functions[__twokey_integrity]=${__twokey_bodies[__twokey_integrity]}
    __twokey_integrity
    return 0
  }

  # The hooks first in their lists, the gate's functions as written, debug_before_cmd on:
  # whatever was changed is put back and reported (the broker marks the terminal, records
  # it, and the next line waits for a person).
  __twokey_integrity() {
    builtin emulate -L zsh
    local __tk_what='' __tk_f
    [[ ${preexec_functions[1]-} == __twokey_preexec ]] || __tk_what+='the preexec hook was removed or moved; '
    (( ${precmd_functions[(Ie)__twokey_precmd]} )) || __tk_what+='the precmd hook was removed; '
    for __tk_f in ${(k)__twokey_bodies}; do
      [[ ${functions[$__tk_f]-} == "${__twokey_bodies[$__tk_f]}" ]] && continue
      __tk_what+="the function $__tk_f was changed; "
      functions[$__tk_f]=${__twokey_bodies[$__tk_f]}
    done
    [[ -o debug_before_cmd ]] || { __tk_what+='debug_before_cmd was switched off; '; builtin setopt debug_before_cmd; }
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
  for __tk_f in __twokey_preexec __twokey_precmd __twokey_integrity __twokey_report_tamper __twokey_check __twokey_helper __twokey_risky; do
    __twokey_bodies[$__tk_f]=${functions[$__tk_f]}
  done
  unset __tk_f
  typeset -gr __twokey_bodies
fi
(( ${+functions[__twokey_arm_debug]} )) && __twokey_arm_debug zshrc
