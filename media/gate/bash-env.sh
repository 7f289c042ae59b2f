# TwoKey gate for non-interactive bash (shell tasks, `bash -c`, scripts run by bash). The
# extension sets BASH_ENV to this file; bash reads it before running the command or script.
# Interactive bash never reads BASH_ENV (its gate is bash-gate.sh, from PROMPT_COMMAND), and
# sh/dash ignore it.
#
# A DEBUG trap checks each simple command ($BASH_COMMAND) before it runs; harmless ones never
# leave bash. On refusal the helper has printed the one-line reason and the shell exits 126.
# extdebug (so that functions, subshells and command substitutions inherit the trap) is
# turned on inside the first trap call: set here, in a startup file, bash would try to load
# its debugger instead and block nothing.

# The helper, the Node binary, the socket, the key file and the user's own BASH_ENV, baked in by
# the extension (read-only: a variable set in the shell, such as TWOKEY_USER_BASH_ENV, changes
# nothing).
if [[ $- != *i* && ${__twokey_node@a} != *r* && -r "${BASH_SOURCE[0]%/*}/gate.conf.sh" ]]; then
  builtin source "${BASH_SOURCE[0]%/*}/gate.conf.sh"
fi

# The user's own BASH_ENV, which this file replaced, runs first and is not checked. (Without a
# baked configuration there is no gate to protect: the variable is taken as it is.)
__twokey_ubenv=${TWOKEY_USER_BASH_ENV-}
[[ ${__twokey_node@a} == *r* ]] && __twokey_ubenv=$__twokey_user_bash_env
if [[ -n "$__twokey_ubenv" && "$__twokey_ubenv" != "${BASH_SOURCE[0]}" && -r "$__twokey_ubenv" ]]; then
  builtin source "$__twokey_ubenv"
fi
unset __twokey_ubenv

if [[ $- != *i* && ${__twokey_env_installed@a} != *r* && ${__twokey_node@a} == *r* ]]; then
  readonly __twokey_env_installed=1
  builtin source "${BASH_SOURCE[0]%/*}/prefilter.sh"

  __twokey_env_check() {
    # $1: command text. Returns 0 to run it. The helper must not read this file again.
    __twokey_risky "$1" || return 0
    BASH_ENV= ELECTRON_RUN_AS_NODE=1 "$__twokey_node" "$__twokey_js" --socket "$__twokey_sock" --key "$__twokey_key" \
      --source "${TWOKEY_SOURCE:-task}" --shell-pid "$$" --cwd "$PWD" -- "$1"
  }

  # A refusal ends the shell; an EXIT trap of the script's own must not run anything on the way out.
  __twokey_env_refuse() {
    builtin trap - EXIT
    builtin exit 126
  }

  __twokey_env_trap() {
    if [[ -z "${__twokey_env_started-}" ]]; then
      __twokey_env_started=1
      builtin shopt -s extdebug
      # `bash -c '<line>'` (shell tasks too): the whole line first, so that a refused line
      # runs nothing at all; once it is allowed, its own commands are not asked about again.
      if [[ -n "${BASH_EXECUTION_STRING-}" ]]; then
        __twokey_env_check "$BASH_EXECUTION_STRING" || __twokey_env_refuse
        __twokey_env_outer=${BASH_EXECUTION_STRING//[[:space:]]/}
      else
        # A script. Installed tools' own scripts (pyenv, nvm, asdf and the like run bash at
        # every prompt, with `$READLINK "$1"`-style commands) are not the user's commands:
        # scripts in system folders and in hidden folders of $HOME are left alone.
        __twokey_env_script=$0
        [[ $__twokey_env_script == /* ]] || __twokey_env_script=$PWD/$__twokey_env_script
        case $__twokey_env_script in
          /usr/* | /bin/* | /sbin/* | /lib/* | /opt/* | /etc/* | /nix/* | /snap/* | /Library/* | /System/* | /Applications/* | "${HOME:-/nonexistent}"/.*)
            __twokey_env_off=1 ;;
        esac
      fi
    fi
    [[ -n "${__twokey_env_off-}" ]] && return 0
    # The gate's own functions are not the user's commands.
    [[ "${FUNCNAME[1]-}" == __twokey_* ]] && return 0
    # ($BASH_COMMAND is re-spaced by bash: compare without white space.)
    [[ -n "${__twokey_env_outer-}" && "$__twokey_env_outer" == *"${1//[[:space:]]/}"* ]] && return 0
    __twokey_env_check "$1" || __twokey_env_refuse
  }
  # Inherited by subshells forked before the first trap call, e.g. a script that starts
  # with `( rm -rf x )`. (functrace, unlike extdebug, is safe in a startup file; set before
  # the trap, or the trap's first call would come from this file.)
  readonly -f __twokey_env_check __twokey_env_refuse __twokey_env_trap __twokey_risky __twokey_maybe_named __twokey_reread 2>/dev/null
  set -o functrace
  trap '__twokey_env_trap "$BASH_COMMAND"' DEBUG
fi
