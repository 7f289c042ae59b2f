# TwoKey: the prefilter every shell gate shares (sourced by bash and zsh alike, so only
# syntax both understand). It sets __twokey_re, a POSIX extended regular expression: a line
# is worth asking the engine about when a command position holds a risky or indirect
# command word (or a path, variable or quoted word), or when it has a substitution or names
# a credential or guard file. Everything else is a fast no-op that never leaves the shell.
# Nothing here reads the shell's variables: a line cannot switch the prefilter off.
#
# Matching that expression costs about a millisecond (it is compiled at every match), so
# __twokey_risky first settles the common case with `case` patterns: a line with no shell
# operator, quote, substitution or assignment is one simple command, and its first word
# alone decides.
# The tables between the two marks are replaced by the extension when it writes the gate
# files: built from the engine's own rule tables and the policy's protected variables
# (src/core/rules/gateWords.ts), so that the prefilter never waves through a line the
# engine would stop. The values here are only a fallback.
# @tables-begin
__twokey_words='rm|rmdir|unlink|shred|dd|mkfs[.[:alnum:]]*|wipefs|fdisk|parted|truncate|chmod|chown|chattr|mv|cp|tee|ln|install|rsync|find|xargs|parallel|git|psql|pg_restore|pg_dump|mysql|mariadb|mysqladmin|sqlite3|sqlcmd|clickhouse|clickhouse-client|dropdb|dropuser|mongo|mongosh|redis-cli|prisma|drizzle-kit|rails|rake|bin/rails|manage\.py|django-admin|supabase|sequelize|knex|typeorm|aws|gcloud|gsutil|bq|az|doctl|oci|terraform|tofu|terragrunt|pulumi|cdk|kubectl|k|oc|helm|kustomize|railway|fly|flyctl|heroku|vercel|netlify|render|neonctl|pscale|curl|wget|http|https|xh|gh|docker|docker-compose|podman|nerdctl|eval|exec|sudo|doas|su|env|command|builtin|nohup|nice|ionice|timeout|time|watch|bash|sh|zsh|dash|ksh|fish|python[0-9.]*|node|nodejs|perl|ruby|deno|bun|php|base64|openssl|export|declare|typeset|alias|source|claude|cursor-agent|codex|gemini|copilot|aider|ssh-keygen|npm|npx|pnpm|yarn|kill|pkill|killall|systemctl|crontab|fc|r|coproc|git-filter-repo|bfg|make|just|task|noglob|nocorrect|autoload|zmodload|functions|unfunction|trap|setopt|unsetopt|enable|disable'
__twokey_plain="|${__twokey_words}|"
__twokey_names='.env
.twokey
hooks.json
.claude
.cursor
.github/hooks
.aws
.kube
.ssh
__twokey
__vsc_
TRAP
extdebug
TWOKEY_
PROMPT_COMMAND
BASH_ENV
ZDOTDIR
()'
__twokey_maybe_named() { return 0; }
# @tables-end
__twokey_nl='
'
__twokey_rest=
# The fallback tables have no escaped form: build it (the baked tables carry their own).
[ -n "${__twokey_names_re-}" ] || __twokey_rest=$__twokey_names
while [ -n "$__twokey_rest" ]; do
  __twokey_n=${__twokey_rest%%"$__twokey_nl"*}
  # ERE-escaped, for the full expression below.
  __twokey_e=''
  while [ -n "$__twokey_n" ]; do
    __twokey_c=${__twokey_n%"${__twokey_n#?}"}
    __twokey_n=${__twokey_n#?}
    case $__twokey_c in [.\(\)\[\]\{\}\|\^\$\*\+\?\\]) __twokey_e="$__twokey_e\\$__twokey_c" ;; *) __twokey_e="$__twokey_e$__twokey_c" ;; esac
  done
  __twokey_names_re="$__twokey_names_re|$__twokey_e"
  case $__twokey_rest in *"$__twokey_nl"*) __twokey_rest=${__twokey_rest#*"$__twokey_nl"} ;; *) __twokey_rest='' ;; esac
done
unset __twokey_rest __twokey_n __twokey_e __twokey_c
__twokey_re="(^|[;&|(){}!]|${__twokey_nl}|(^|[^[:alnum:]_])(then|do|else|elif|if|while|until)[[:space:]])[[:space:]]*([[:alnum:]_]+=[^[:space:]]*[[:space:]]+)*((${__twokey_words})([^[:alnum:]_.-]|\$)|[\\/.~=\$\"\'])|[\$][(]|\`|[<>][(]|(^|[;&|(){}!]|${__twokey_nl})[[:space:]]*((:|true|false)[[:space:]]+)?[0-9]*>[^&(]${__twokey_names_re}"

# The policy's protected variables as they are now: the extension rewrites this file when the
# policy changes, and the interactive gates read it again at every prompt (__twokey_reread).
__twokey_protected=
__twokey_reread() {
  __twokey_protected=
  [ -n "${__twokey_protfile-}" ] && [ -r "$__twokey_protfile" ] && IFS= read -r -d '' __twokey_protected < "$__twokey_protfile"
  return 0
}
__twokey_reread

# $1: a command line. Returns 0 when the engine should see it, 1 when it is plainly harmless.
__twokey_risky() {
  # A protected variable named anywhere in the line (the policy's current list).
  __twokey_rest=$__twokey_protected
  while [ -n "$__twokey_rest" ]; do
    case ${__twokey_rest%%"$__twokey_nl"*} in
      ?*) case $1 in *"${__twokey_rest%%"$__twokey_nl"*}"*) return 0 ;; esac ;;
    esac
    case $__twokey_rest in *"$__twokey_nl"*) __twokey_rest=${__twokey_rest#*"$__twokey_nl"} ;; *) __twokey_rest='' ;; esac
  done
  case $1 in
    *[\;\&\|\(\)\{\}\!\$\`\<\>=\\\"\'~]* | *"$__twokey_nl"*) ;;
    *)
      # A protected or guard name anywhere in the line.
      __twokey_rest=
      __twokey_maybe_named "$1" && __twokey_rest=$__twokey_names
      while [ -n "$__twokey_rest" ]; do
        case $1 in *"${__twokey_rest%%"$__twokey_nl"*}"*) return 0 ;; esac
        case $__twokey_rest in *"$__twokey_nl"*) __twokey_rest=${__twokey_rest#*"$__twokey_nl"} ;; *) __twokey_rest='' ;; esac
      done
      __twokey_w=${1#"${1%%[![:space:]]*}"}
      __twokey_w=${__twokey_w%%[[:space:]]*}
      case $__twokey_w in
        '') return 1 ;;
        *[![:lower:][:digit:]_-]*) ;;
        mkfs* | python*) return 0 ;;
        *)
          case $__twokey_plain in
            *"|$__twokey_w|"*) return 0 ;;
          esac
          return 1 ;;
      esac ;;
  esac
  [[ $1 =~ $__twokey_re ]]
}
