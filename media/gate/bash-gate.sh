# TwoKey gate for interactive bash. VS Code terminals get
#   PROMPT_COMMAND='source <this file>'
# through the extension's environmentVariableCollection, where <this file> is the copy the
# extension writes next to its gate.conf.sh (the helper, the Node binary, the socket and the
# key file, baked in: nothing the shell's own variables can point elsewhere). VS Code's shell
# integration keeps and evaluates that original PROMPT_COMMAND at every prompt, so this file
# runs once per prompt: the first time it installs a DEBUG trap (with extdebug), every time
# it checks that the gate is intact (restoring and reporting what was changed) and marks
# that the next simple command starts a new line.
#
# The trap checks the whole line (from history) at its first simple command, so a refused
# line runs nothing at all; harmless lines (no risky word) never leave bash. To refuse, it
# prints the reason on stderr, skips every remaining command of the line and interrupts it:
# the command reports exit 130.

# Installed once per shell: a read-only mark cannot come from the environment, a plain one can.
if [[ ${__twokey_installed@a} != *r* && $- == *i* && -r "${BASH_SOURCE[0]%/*}/gate.conf.sh" ]]; then
  # The baked configuration: read-only for the rest of this shell.
  builtin source "${BASH_SOURCE[0]%/*}/gate.conf.sh"
  readonly __twokey_installed=1 __twokey_self="${BASH_SOURCE[0]}"
  # This terminal's own token (the broker ties it to this shell's pid).
  readonly __twokey_token="${SRANDOM-$RANDOM}${RANDOM}${SRANDOM-$RANDOM}${RANDOM}"
  __twokey_new_line=0
  __twokey_refusing=0
  __twokey_alive=1
  __twokey_tampered=""
  # Variables the policy keeps out of terminals arrive empty: remove them altogether.
  for __tk_v in ${TWOKEY_MASKED_VARS-}; do
    [[ -z "${!__tk_v-}" ]] && unset "$__tk_v"
  done
  unset __tk_v
  __twokey_last_hist=""
  __twokey_beats=0
  # The prefilter (__twokey_risky) lives next to this file, shared with the zsh and BASH_ENV gates.
  builtin source "${BASH_SOURCE[0]%/*}/prefilter.sh"

  __twokey_status() { return "$1"; }

  # $1: the source, $2: the command line, $3…: extra helper options. The helper's answer is its status.
  __twokey_helper() {
    BASH_ENV= ELECTRON_RUN_AS_NODE=1 "$__twokey_node" "$__twokey_js" --socket "$__twokey_sock" --key "$__twokey_key" \
      --token "$__twokey_token" --source "$1" --shell-pid "$$" --cwd "$PWD" "${@:3}" -- "$2"
  }

  __twokey_check_line() {
    # $1: the command line. Returns 0 to run it; on refusal the helper has printed why.
    # After tampering, every line goes to the broker (which asks a person) until one is allowed.
    if [[ -n "$__twokey_tampered" ]]; then
      __twokey_helper terminal "$1" --tampered "$__twokey_tampered" || return 1
      __twokey_tampered=""
      return 0
    fi
    # A command word that is one of the shell's own functions or aliases (defined on an earlier
    # line, or by an rc file): its definition goes with the line, so the engine judges what runs.
    __twokey_defs "$1"
    if [[ -n $__twokey_defs_text || -n $__twokey_defs_big ]]; then
      __twokey_helper terminal "$1" --defs "$__twokey_defs_text" --defs-omitted "$__twokey_defs_big"
      return
    fi
    __twokey_risky "$1" || return 0
    __twokey_helper terminal "$1"
  }

  # $1: a line. Sets __twokey_defs_text to the definitions of the functions and aliases that
  # its commands' first words name (the gate's own excepted), followed into what they run, and
  # __twokey_defs_big to the names whose definitions did not fit (16 KiB in all): those lines
  # are asked about. Both stay empty when every definition is plainly harmless to the
  # prefilter (`alias ll='ls -l'` never leaves the shell).
  __twokey_defs() {
    __twokey_defs_text="" __twokey_defs_big=""
    local __tk_sep='[;&|(){}`!]' __tk_rest __tk_w __tk_d __tk_b __tk_seen=" " __tk_risky=0
    __tk_rest="${1//$__tk_sep/$'\n'}"$'\n'
    while [[ -n $__tk_rest ]]; do
      __tk_w=${__tk_rest%%$'\n'*}
      __tk_rest=${__tk_rest#*$'\n'}
      for (( ;; )); do
        __tk_w=${__tk_w#"${__tk_w%%[![:space:]]*}"}
        case ${__tk_w%%[[:space:]]*} in
          if | then | else | elif | do | while | until | time | [A-Za-z_]*=*) [[ $__tk_w == *[[:space:]]* ]] && __tk_w=${__tk_w#*[[:space:]]} || __tk_w="" ;;
          *) break ;;
        esac
      done
      __tk_w=${__tk_w%%[[:space:]]*}
      case $__tk_w in '' | *[!A-Za-z0-9_.:@%+,-]* | __twokey_*) continue ;; esac
      [[ $__tk_seen == *" $__tk_w "* ]] && continue
      __tk_seen+="$__tk_w "
      __tk_d=""
      if [[ -n ${BASH_ALIASES[$__tk_w]+x} ]]; then
        __tk_d="alias $__tk_w=${BASH_ALIASES[$__tk_w]@Q}"$'\n'
        __twokey_risky "${BASH_ALIASES[$__tk_w]}" && __tk_risky=1
        # What the alias runs may be a function or alias in turn.
        __tk_rest+="${BASH_ALIASES[$__tk_w]//$__tk_sep/$'\n'}"$'\n'
      fi
      if builtin declare -F -- "$__tk_w" >/dev/null 2>&1; then
        __tk_b=$(builtin declare -f -- "$__tk_w")
        __tk_d+="$__tk_b"$'\n'
        # The body (without the `name ()` line), as if typed; the functions it calls in turn.
        __tk_b=${__tk_b#*$'\n'}
        __twokey_risky "$__tk_b" && __tk_risky=1
        (( ${#__tk_rest} < 65536 )) && __tk_rest+="${__tk_b//$__tk_sep/$'\n'}"$'\n'
      fi
      [[ -n $__tk_d ]] || continue
      if (( ${#__twokey_defs_text} + ${#__tk_d} > 16384 )); then
        __twokey_defs_big+="${__twokey_defs_big:+ }$__tk_w"
      else
        __twokey_defs_text+=$__tk_d
      fi
    done
    (( __tk_risky )) || __twokey_defs_text="" __twokey_defs_big=""
    return 0
  }

  # Reports what was found changed (the broker marks the terminal, records it, and asks
  # before its next command), and remembers it so that the next line is asked about.
  __twokey_report_tamper() {
    __twokey_tampered="${__twokey_tampered:+$__twokey_tampered; }$1"
    builtin printf '%s\n' "TwoKey: this terminal's gate was tampered with ($1); it was restored, and the next command waits for a person." >&2
    ( __twokey_helper terminal "$1" --tamper >/dev/null 2>&1 & )
  }

  # The refused line leaves nothing behind: functions it defined before its first command are removed.
  __twokey_refuse() {
    __twokey_refusing=1
    __twokey_new_line=0
    local __tk_rest="$1" __tk_re='(^|[;&|({[:space:]])(function[[:space:]]+)?([A-Za-z_][A-Za-z0-9_:.-]*)[[:space:]]*\(\)'
    while [[ $__tk_rest =~ $__tk_re ]]; do
      builtin unset -f "${BASH_REMATCH[3]}" 2>/dev/null
      __tk_rest="${__tk_rest#*"${BASH_REMATCH[0]}"}"
    done
    # An INT trap of the line's own (or an ignored INT) must not turn the refusal into a run.
    __twokey_saved_int=$(builtin trap -p INT)
    builtin trap - INT
    builtin kill -s INT "$$"
  }

  __twokey_trap() {
    local __tk_status=$? __tk_arg="$1" __tk_skip=0
    # Only the user's own line: skip VS Code's prompt functions, any function body, and this
    # file's own statements when PROMPT_COMMAND sources it at top level.
    if (( ${#FUNCNAME[@]} <= 1 )) && [[ "${BASH_SOURCE[1]-}" != "$__twokey_self" ]]; then
      local __tk_pc=0
      # A command of PROMPT_COMMAND: the line before it has ended.
      if [[ -n "$BASH_COMMAND" && " ${PROMPT_COMMAND[*]-} " == *"$BASH_COMMAND"* ]]; then
        __tk_pc=1
        __twokey_refusing=0
      fi
      if (( __tk_pc )) && [[ "$BASH_COMMAND" == "source "*bash-gate.sh* || "$BASH_COMMAND" == __vsc_prompt_cmd* ]]; then
        # The prompt hook itself (this file, or VS Code's function that runs it): the trap is in place.
        __twokey_alive=1
      elif (( __twokey_refusing )); then
        __tk_skip=1
      elif (( __tk_pc )); then
        # Anything else PROMPT_COMMAND runs is checked like a line of its own.
        if ! __twokey_check_line "$BASH_COMMAND"; then
          __tk_skip=1
          __twokey_refuse "$BASH_COMMAND"
        fi
      else
        local __tk_line="" __tk_hist="" HISTTIMEFORMAT=""
        # A new line: marked by the prompt, or (if the prompt hook was removed) a new history entry.
        if [[ $__twokey_new_line != 1 && ${__twokey_whole_line-0} == 1 && "${HISTCMD-}" != "${__twokey_histcmd-}" ]]; then
          __twokey_new_line=1
          [[ " ${PROMPT_COMMAND[*]-} " == *"$__twokey_self"* || " ${PROMPT_COMMAND[*]-} " == *__vsc_prompt_cmd* ]] || PROMPT_COMMAND="source '$__twokey_self'; ${PROMPT_COMMAND-}"
          __twokey_report_tamper "the prompt hook (PROMPT_COMMAND) did not run"
        fi
        if [[ $__twokey_new_line == 1 ]]; then
          __twokey_new_line=0
          __twokey_path_first
          __tk_hist=$(builtin history 1)
          if [[ -n "$__tk_hist" && "$__tk_hist" != "$__twokey_last_hist" ]]; then
            __twokey_last_hist="$__tk_hist"
            # Drop the history number (HISTTIMEFORMAT is emptied above, so no timestamp).
            __tk_line="${__tk_hist#"${__tk_hist%%[![:space:]]*}"}"
            __tk_line="${__tk_line#*[[:space:]][[:space:]]}"
            __twokey_whole_line=1
            __twokey_histcmd="${HISTCMD-}"
          else
            # Not in history (ignorespace, ignoredups, history off): check each simple command.
            __twokey_whole_line=0
          fi
        fi
        [[ -z "$__tk_line" && ${__twokey_whole_line-0} == 0 ]] && __tk_line="$BASH_COMMAND"
        if [[ -n "$__tk_line" ]] && ! __twokey_check_line "$__tk_line"; then
          __tk_skip=1
          __twokey_refuse "$__tk_line"
        fi
      fi
    fi
    # Hand over to VS Code's shell integration, which this trap replaced, with $? intact.
    if [[ -n $__twokey_vsc ]] && (( ! __tk_skip )); then
      __twokey_status "$__tk_status"; "$__twokey_vsc" "$__tk_arg"
    fi
    # With extdebug, a non-zero status skips the command. (An arithmetic command: no function
    # of the line's own can stand in for it.)
    (( ! __tk_skip ))
  }

  # At every prompt: the trap, extdebug and the prompt hook as installed; restored and
  # reported when something changed them.
  __twokey_integrity() {
    local __tk_what=""
    (( __twokey_alive )) || __tk_what+="the DEBUG trap was removed; "
    builtin shopt -q extdebug || __tk_what+="extdebug was switched off; "
    builtin trap '__twokey_trap "$_"' DEBUG
    builtin shopt -s extdebug
    if [[ -n "${__twokey_saved_int-}" ]]; then
      builtin eval "$__twokey_saved_int"
      __twokey_saved_int=""
    fi
    __twokey_alive=0
    [[ -n "$__tk_what" ]] && __twokey_report_tamper "${__tk_what%; }"
    return 0
  }

  # VS Code's shell integration set its DEBUG trap before this first prompt: find, once, which
  # of its functions that trap called (the trap below replaces it and calls it on).
  __twokey_vsc=""
  if builtin declare -F __vsc_preexec_all >/dev/null; then __twokey_vsc=__vsc_preexec_all
  elif builtin declare -F __vsc_preexec_only >/dev/null; then __twokey_vsc=__vsc_preexec_only
  fi
  readonly __twokey_vsc
  # The PATH shims stay first, whatever the user's rc files or prompt hooks (nvm, asdf, mise,
  # direnv) put in front since: checked before each line runs.
  __twokey_path_first() {
    [[ -n ${__twokey_shimdir-} && ${PATH%%:*} != "$__twokey_shimdir" ]] || return 0
    local p=":$PATH:"
    p=${p//":$__twokey_shimdir:"/:}
    p=${p#:}
    p=${p%:}
    PATH="$__twokey_shimdir${p:+:$p}"
  }
  # The gate's functions cannot be redefined or unset for the rest of this shell.
  readonly -f __twokey_path_first __twokey_trap __twokey_check_line __twokey_defs __twokey_reread __twokey_status __twokey_risky __twokey_maybe_named __twokey_helper __twokey_refuse \
    __twokey_report_tamper __twokey_integrity 2>/dev/null
  builtin trap '__twokey_trap "$_"' DEBUG
  # extdebug lets the trap skip a command; set here, at the first prompt, not in a startup file.
  builtin shopt -s extdebug
fi
if [[ ${__twokey_installed@a} == *r* ]]; then
  __twokey_integrity
  __twokey_new_line=1
  __twokey_refusing=0
  # The policy's protected variables as they are now (a policy reload rewrites the file).
  __twokey_reread
  # The heartbeat: the count of this shell's prompts, in a file named by its pid. The extension
  # compares it with the commands shell integration reports: a gate that stopped running at
  # the prompt (hooks removed, another shell exec'd) is noticed.
  (( ++__twokey_beats ))
  [[ -n $__twokey_beatdir ]] && builtin printf '%s' "$__twokey_beats" 2>/dev/null >| "$__twokey_beatdir/$$"
fi
