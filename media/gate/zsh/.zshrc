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

if [[ -n ${TWOKEY_GATE_JS-} && -o interactive && -z ${__twokey_installed-} ]]; then
  typeset -g __twokey_installed=1 __twokey_armed=0

  __twokey_preexec() {
    # emulate -L makes traps local too; the TRAPDEBUG below must outlive this function,
    # whatever the user's own options (local_traps) say.
    builtin emulate -L zsh
    builtin setopt no_local_traps
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

  __twokey_disarm() {
    __twokey_armed=0
    [[ ${functions[TRAPDEBUG]-} == *__twokey_armed* ]] && builtin unfunction TRAPDEBUG
    return 0
  }

  # First, so that the refusal is armed before any other hook's commands can matter; the
  # precmd one is a safety net in case the armed trap never fired.
  typeset -ga preexec_functions precmd_functions
  preexec_functions=(__twokey_preexec ${preexec_functions:#__twokey_preexec})
  precmd_functions=(__twokey_disarm ${precmd_functions:#__twokey_disarm})
fi
(( ${+functions[__twokey_arm_debug]} )) && __twokey_arm_debug zshrc
