# TwoKey: the prefilter every shell gate shares (sourced by bash and zsh alike, so only
# syntax both understand). It sets __twokey_re, a POSIX extended regular expression: a line
# is worth asking the engine about when a command position holds a risky or indirect
# command word (or a path, variable or quoted word), or when it has a substitution or names
# a credential or guard file. Everything else is a fast no-op that never leaves the shell.
# TWOKEY_GATE_PATTERN replaces the whole expression (tests, or a stricter site policy).
#
# Matching that expression costs about a millisecond (it is compiled at every match), so
# __twokey_risky first settles the common case with `case` patterns: a line with no shell
# operator, quote, substitution or assignment is one simple command, and its first word
# alone decides.
__twokey_words='rm|rmdir|unlink|shred|dd|mkfs[.[:alnum:]]*|wipefs|fdisk|parted|truncate|chmod|chown|chattr|mv|cp|tee|ln|install|rsync|find|xargs|parallel|git|psql|pg_restore|pg_dump|mysql|mariadb|mysqladmin|sqlite3|sqlcmd|clickhouse|clickhouse-client|dropdb|dropuser|mongo|mongosh|redis-cli|prisma|drizzle-kit|rails|rake|bin/rails|manage\.py|django-admin|supabase|sequelize|knex|typeorm|aws|gcloud|gsutil|bq|az|doctl|oci|terraform|tofu|terragrunt|pulumi|cdk|kubectl|k|oc|helm|kustomize|railway|fly|flyctl|heroku|vercel|netlify|render|neonctl|pscale|curl|wget|http|https|xh|gh|docker|docker-compose|podman|nerdctl|eval|exec|sudo|doas|su|env|command|builtin|nohup|nice|ionice|timeout|time|watch|bash|sh|zsh|dash|ksh|fish|python[0-9.]*|node|nodejs|perl|ruby|deno|bun|php|base64|openssl|export|declare|typeset|alias|source|claude|cursor-agent|codex|gemini|copilot|aider|ssh-keygen|npm|npx|pnpm|yarn|kill|pkill|killall|systemctl|crontab|fc|r|coproc|git-filter-repo|bfg|make|just|task|noglob|nocorrect|autoload|zmodload|functions|unfunction|trap|setopt|unsetopt|enable|disable'
__twokey_nl='
'
__twokey_re="(^|[;&|(){}!]|${__twokey_nl}|(^|[^[:alnum:]_])(then|do|else|elif|if|while|until)[[:space:]])[[:space:]]*([[:alnum:]_]+=[^[:space:]]*[[:space:]]+)*((${__twokey_words})([^[:alnum:]_.-]|\$)|[\\/.~=\$\"\'])|[\$][(]|\`|[<>][(]|\.env|\.twokey|hooks\.json|\.claude|\.cursor|\.github/hooks|\.aws|\.kube|\.ssh|__twokey|__vsc_|TRAPDEBUG|extdebug|TWOKEY_|PROMPT_COMMAND|BASH_ENV|ZDOTDIR"
if [ -n "${TWOKEY_GATE_PATTERN-}" ]; then __twokey_re=$TWOKEY_GATE_PATTERN; fi

# $1: a command line. Returns 0 when the engine should see it, 1 when it is plainly harmless.
__twokey_risky() {
  if [ -z "${TWOKEY_GATE_PATTERN-}" ]; then
    case $1 in
      *[\;\&\|\(\)\{\}\!\$\`\<\>=\\\"\'~]* | *"$__twokey_nl"*) ;;
      *.env* | *.twokey* | *hooks.json* | *.claude* | *.cursor* | *.github/hooks* | *.aws* | *.kube* | *.ssh* | *__twokey* | *__vsc_* | *TRAPDEBUG* | *extdebug* | *TWOKEY_* | *PROMPT_COMMAND* | *BASH_ENV* | *ZDOTDIR*) return 0 ;;
      *)
        __twokey_w=${1#"${1%%[![:space:]]*}"}
        __twokey_w=${__twokey_w%%[[:space:]]*}
        case $__twokey_w in
          '') return 1 ;;
          *[![:lower:][:digit:]_-]*) ;;
          mkfs* | python*) return 0 ;;
          *)
            case "|$__twokey_words|" in
              *"|$__twokey_w|"*) return 0 ;;
            esac
            return 1 ;;
        esac ;;
    esac
  fi
  [[ $1 =~ $__twokey_re ]]
}
