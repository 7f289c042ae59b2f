# TwoKey gate for interactive bash. VS Code terminals get
#   PROMPT_COMMAND='source <this file>'
# through the extension's environmentVariableCollection. VS Code's shell integration keeps
# and evaluates that original PROMPT_COMMAND at every prompt, so this file runs once per
# prompt: the first time it installs a DEBUG trap (with extdebug), every time it marks that
# the next simple command starts a new line.
#
# The trap checks the whole line (from history) at its first simple command, so a refused
# line runs nothing at all; harmless lines (no risky word) never leave bash. To refuse, it
# prints the reason on stderr and interrupts the line: the command reports exit 130.

if [[ -z "${__twokey_installed-}" && -n "${TWOKEY_GATE_JS-}" && $- == *i* ]]; then
  __twokey_installed=1
  __twokey_new_line=0
  # Variables the policy keeps out of terminals arrive empty: remove them altogether.
  for __tk_v in ${TWOKEY_MASKED_VARS-}; do
    [[ -z "${!__tk_v-}" ]] && unset "$__tk_v"
  done
  unset __tk_v
  __twokey_last_hist=""
  # The prefilter (__twokey_re) lives next to this file, shared with the zsh and BASH_ENV gates.
  builtin source "${BASH_SOURCE[0]%/*}/prefilter.sh"

  __twokey_status() { return "$1"; }

  __twokey_check_line() {
    # $1: the command line. Returns 0 to run it; on refusal the helper has printed why.
    __twokey_risky "$1" || return 0
    ELECTRON_RUN_AS_NODE=1 "${TWOKEY_NODE:-node}" "$TWOKEY_GATE_JS" --source terminal --shell-pid "$$" --cwd "$PWD" -- "$1"
  }

  __twokey_trap() {
    local __tk_status=$? __tk_arg="$1"
    # Only the user's own line: skip VS Code's prompt functions, any function body, and this
    # file's own statements when PROMPT_COMMAND sources it at top level.
    if (( ${#FUNCNAME[@]} <= 1 )) && [[ "${BASH_SOURCE[1]-}" != "${BASH_SOURCE[0]}" ]]; then
      local __tk_line="" __tk_hist=""
      if [[ $__twokey_new_line == 1 ]]; then
        __twokey_new_line=0
        __tk_hist=$(builtin history 1)
        if [[ -n "$__tk_hist" && "$__tk_hist" != "$__twokey_last_hist" ]]; then
          __twokey_last_hist="$__tk_hist"
          # Drop the history number (and a timestamp if HISTTIMEFORMAT is set it is part of it).
          __tk_line="${__tk_hist#"${__tk_hist%%[![:space:]]*}"}"
          __tk_line="${__tk_line#*[[:space:]][[:space:]]}"
          __twokey_whole_line=1
        else
          # Not in history (ignorespace, ignoredups, history off): check each simple command.
          __twokey_whole_line=0
        fi
      fi
      if [[ -z "$__tk_line" && ${__twokey_whole_line-0} == 0 && "$BASH_COMMAND" != "source "*bash-gate.sh* ]]; then
        __tk_line="$BASH_COMMAND"
      fi
      if [[ -n "$__tk_line" ]] && ! __twokey_check_line "$__tk_line"; then
        __twokey_new_line=0
        kill -s INT "$$"
        return 1
      fi
    fi
    # Hand over to VS Code's shell integration, which this trap replaced, with $? intact.
    if [[ -n $__twokey_vsc ]]; then
      __twokey_status "$__tk_status"; "$__twokey_vsc" "$__tk_arg"
    fi
    return 0
  }
  # VS Code's shell integration set its DEBUG trap before this first prompt: find, once, which
  # of its functions that trap called (the trap below replaces it and calls it on).
  __twokey_vsc=""
  if declare -F __vsc_preexec_all >/dev/null; then __twokey_vsc=__vsc_preexec_all
  elif declare -F __vsc_preexec_only >/dev/null; then __twokey_vsc=__vsc_preexec_only
  fi
  readonly __twokey_vsc
  # The gate's functions cannot be redefined or unset for the rest of this shell.
  readonly -f __twokey_trap __twokey_check_line __twokey_status __twokey_risky 2>/dev/null
  trap '__twokey_trap "$_"' DEBUG
  # extdebug lets the trap skip a command; set here, at the first prompt, not in a startup file.
  shopt -s extdebug
fi
__twokey_new_line=1
