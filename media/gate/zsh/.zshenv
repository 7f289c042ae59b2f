# TwoKey: zsh gate, first startup file. The extension points ZDOTDIR at this folder, so zsh
# (directly, or through VS Code's own zsh integration, which treats this folder as the
# user's) reads the four files here. Each one points ZDOTDIR at the user's real folder,
# sources the user's file of the same name, and points ZDOTDIR back here, so that child
# zsh processes (scripts, `zsh -c`, tasks) start here too and stay gated.
#
# The user's folder: the editor's own ZDOTDIR, baked into gate.conf.sh by the extension (a
# variable set in the shell, such as TWOKEY_USER_ZDOTDIR, changes nothing), else $HOME. A
# user's .zshenv that sets ZDOTDIR moves it, as zsh would.
typeset -g __twokey_zdir=${${(%):-%x}:A:h}
# The baked configuration, once per shell: read-only from then on.
typeset -g __twokey_conf_new=''
if [[ ${(t)__twokey_node} != *readonly* && -r $__twokey_zdir/../gate.conf.sh ]] && builtin source "$__twokey_zdir/../gate.conf.sh" && [[ -n ${__twokey_node-} ]]; then
  __twokey_conf_new=1
fi
# (Without a baked configuration there is no gate to protect: the variable is taken as it is.)
if [[ ${(t)__twokey_node} == *readonly* ]]; then
  typeset -g __twokey_udir=${__twokey_user_zdotdir:-$HOME}
else
  typeset -g __twokey_udir=${TWOKEY_USER_ZDOTDIR:-$HOME}
fi
[[ $__twokey_udir == $__twokey_zdir ]] && __twokey_udir=$HOME
# VS Code (or zsh's own default) may have put the history into this folder: not here.
[[ ${HISTFILE-} == $__twokey_zdir/* ]] && HISTFILE=$__twokey_udir/${HISTFILE:t}
if [[ -f $__twokey_udir/.zshenv ]]; then
  ZDOTDIR=$__twokey_udir
  builtin source "$__twokey_udir/.zshenv"
  [[ -n ${ZDOTDIR-} && $ZDOTDIR != $__twokey_zdir ]] && __twokey_udir=$ZDOTDIR
fi
ZDOTDIR=$__twokey_zdir

# The check both gates use. $1: the command text, $2: the source (terminal, task). Returns 0
# to run it; on refusal the helper has printed the one-line reason ("TwoKey: …") on stderr.
# After tampering (see .zshrc), every line goes to the broker, which asks a person, until one
# is allowed.
__twokey_check() {
  builtin emulate -L zsh
  if [[ -n ${__twokey_tampered-} ]]; then
    __twokey_helper "${2:-terminal}" "$1" --tampered "$__twokey_tampered" || return 1
    __twokey_tampered=''
    return 0
  fi
  # Interactive: a command word that is one of the shell's functions or aliases (defined on an
  # earlier line, or by an rc file): its definition goes with the line, so the engine judges
  # what runs. (Scripts' functions are checked command by command when they run.)
  if [[ -o interactive ]]; then
    __twokey_defs "$1"
    if [[ -n $__twokey_defs_text || -n $__twokey_defs_big ]]; then
      __twokey_helper "${2:-terminal}" "$1" --defs "$__twokey_defs_text" --defs-omitted "$__twokey_defs_big"
      return
    fi
  fi
  __twokey_risky "$1" || return 0
  __twokey_helper "${2:-terminal}" "$1"
}

# $1: a line. Sets __twokey_defs_text to the definitions of the functions and aliases that its
# commands' first words name (the gate's own excepted), followed into what they run, and
# __twokey_defs_big to the names whose definitions did not fit (16 KiB in all): those lines
# are asked about. Both stay empty when every definition is plainly harmless to the
# prefilter (`ll () { ls -l }` never leaves the shell).
__twokey_defs() {
  builtin emulate -L zsh
  typeset -g __twokey_defs_text='' __twokey_defs_big=''
  local __tk_sep='[;&|(){}`!]' __tk_w __tk_d __tk_seen=' ' __tk_nl=$'\n' __tk_risky=0
  local -a __tk_todo
  __tk_todo=("${(@f)${1//${~__tk_sep}/$__tk_nl}}")
  while (( $#__tk_todo )); do
    __tk_w=${__tk_todo[1]}
    shift __tk_todo
    while :; do
      __tk_w=${__tk_w#"${__tk_w%%[![:space:]]*}"}
      case ${__tk_w%%[[:space:]]*} in
        if | then | else | elif | do | while | until | time | nocorrect | noglob | [A-Za-z_]*=*) [[ $__tk_w == *[[:space:]]* ]] && __tk_w=${__tk_w#*[[:space:]]} || __tk_w='' ;;
        *) break ;;
      esac
    done
    __tk_w=${__tk_w%%[[:space:]]*}
    case $__tk_w in '' | *[^A-Za-z0-9_.:@%+,-]* | __twokey_*) continue ;; esac
    [[ $__tk_seen == *" $__tk_w "* ]] && continue
    __tk_seen+="$__tk_w "
    __tk_d=''
    if (( ${+aliases[$__tk_w]} )); then
      __tk_d="alias $__tk_w=${(qq)aliases[$__tk_w]}"$'\n'
      __twokey_risky "${aliases[$__tk_w]}" && __tk_risky=1
      # What the alias runs may be a function or alias in turn.
      __tk_todo+=("${(@f)${aliases[$__tk_w]//${~__tk_sep}/$__tk_nl}}")
    fi
    # (An autoloaded function not loaded yet has no text here; it is loaded from its file.)
    if (( ${+functions[$__tk_w]} )) && [[ ${functions[$__tk_w]} != [[:space:]]#'builtin autoload -X'* ]]; then
      __tk_d+="$__tk_w () {"$'\n'"${functions[$__tk_w]}"$'\n'"}"$'\n'
      # The body as if typed; the functions it calls in turn.
      __twokey_risky "${functions[$__tk_w]}" && __tk_risky=1
      (( $#__tk_todo < 4096 )) && __tk_todo+=("${(@f)${functions[$__tk_w]//${~__tk_sep}/$__tk_nl}}")
    fi
    [[ -n $__tk_d ]] || continue
    if (( ${#__twokey_defs_text} + ${#__tk_d} > 16384 )); then
      __twokey_defs_big+="${__twokey_defs_big:+ }$__tk_w"
    else
      __twokey_defs_text+=$__tk_d
    fi
  done
  (( __tk_risky )) || __twokey_defs_text='' __twokey_defs_big=''
  return 0
}

# $1: the source, $2: the command text, $3…: extra helper options. The helper, Node, the
# socket and the key file come from gate.conf.sh (baked by the extension, read-only here).
__twokey_helper() {
  BASH_ENV= ELECTRON_RUN_AS_NODE=1 "$__twokey_node" "$__twokey_js" --socket "$__twokey_sock" --key "$__twokey_key" \
    --token "$__twokey_token" --source "$1" --shell-pid $$ --cwd "$PWD" "${@[3,-1]}" -- "$2"
}

# Loaded once per shell: a read-only value cannot come from the environment, a plain one can.
if [[ -n $__twokey_conf_new ]]; then
  __twokey_conf_new=''
  typeset -gr __twokey_token="$RANDOM$RANDOM$RANDOM$RANDOM$$"
  typeset -g __twokey_tampered=''
  builtin source "$__twokey_zdir/../prefilter.sh"
  # Non-interactive zsh (scripts, `zsh -c`, shell tasks) and `zsh -i -c`, where no prompt
  # hook ever runs: a DEBUG trap checks each command before it runs (zsh gives the whole
  # sublist, so in `echo a && rm x` nothing runs) and exits 126 on refusal. It is armed
  # after the last startup file this shell reads, so the user's own files are not checked.
  typeset -g __twokey_outer=''
  # zsh runs the trap for a compound command (loop, if, group) and again for each command
  # inside it: once the whole compound was allowed, its own inner commands are not asked
  # about again. Function definitions are checked when the function runs, not here.
  __twokey_debug() {
    builtin emulate -L zsh -o extended_glob
    [[ $1 == [^[:space:]]##' () {'* ]] && return 0
    [[ -n $__twokey_outer && $__twokey_outer == *"$1"* ]] && return 0
    __twokey_check "$1" "${TWOKEY_SOURCE:-task}" || return
    [[ $1 == *$'\n'* ]] && __twokey_outer=$1
    return 0
  }
  # $1: the startup file that calls it (zshenv, zshrc, zlogin).
  __twokey_arm_debug() {
    builtin setopt local_options no_local_traps
    [[ -o interactive && -z ${ZSH_EXECUTION_STRING-} ]] && return 0
    case $1 in
      zshenv) [[ -o interactive || -o login ]] && return 0 ;;
      zshrc) [[ -o login ]] && return 0 ;;
    esac
    # Installed tools' own scripts (in system folders, or hidden folders of $HOME) are not
    # the user's commands: left alone, as in the BASH_ENV gate.
    if [[ -z ${ZSH_EXECUTION_STRING-} && -n ${ZSH_SCRIPT-} ]]; then
      case ${ZSH_SCRIPT:a} in
        /usr/* | /bin/* | /sbin/* | /lib/* | /opt/* | /etc/* | /nix/* | /snap/* | /Library/* | /System/* | /Applications/* | "${HOME:-/nonexistent}"/.*)
          return 0 ;;
      esac
    fi
    # On refusal the script's own EXIT trap is dropped first (here, at the script's level: inside
    # a function `trap - EXIT` would only touch that function's).
    trap '__twokey_debug "$ZSH_DEBUG_CMD" || { builtin trap - EXIT; builtin unfunction TRAPEXIT 2>/dev/null; builtin exit 126; }' DEBUG
  }
  __twokey_arm_debug zshenv
fi
