/**
 * Secret masking, applied before anything is logged or written to the audit log.
 * Pure and fast: it runs on every command line, so most rules are guarded by a
 * cheap substring test and the common case (no secret) costs a few regex scans.
 *
 * A masked value keeps enough to recognise what it was (`Bearer ****`, `ghp_****`,
 * `GITHUB_TOKEN=****`) and never any of the secret itself. Variable references
 * (`$TOKEN`, `${TOKEN}`, `$(cat f)`) are not secrets and stay readable.
 */

export const MASK = '****';

/** Prefixes that name a token's kind; kept in front of the mask. Longest first. */
const KNOWN_PREFIXES = [
  'github_pat_',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'sk-proj-',
  'sk-ant-',
  'glpat-',
  'dop_v1_',
  'whsec_',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxo-',
  'xoxs-',
  'xoxr-',
  'xapp-',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'npm_',
  'pypi-',
  'AKIA',
  'ASIA',
  'AIza',
  'hf_',
  'SG.',
  'sk-',
  'eyJ',
];

/** Mask one secret value, keeping a recognisable prefix when it has one. */
export function maskValue(value: string): string {
  if (value.includes(MASK)) return value;
  for (const p of KNOWN_PREFIXES) {
    if (value.startsWith(p) && value.length > p.length + 3) return p + MASK;
  }
  return MASK;
}

/** A value that is a shell variable or substitution, or already masked: not a secret. */
function isReference(v: string): boolean {
  return v === '' || v.startsWith('$') || v.startsWith('`') || v.startsWith('<') || v.includes(MASK);
}

/** Mask a possibly quoted value (`"x"`, `'x'`, `x`), keeping the quotes. */
function maskQuoted(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw[raw.length - 1] === q) {
    const inner = raw.slice(1, -1);
    return isReference(inner) ? raw : q + maskValue(inner) + q;
  }
  return isReference(raw) ? raw : maskValue(raw);
}

// A shell word value: quoted string, or a run of characters up to a separator.
const VALUE = String.raw`("[^"\n]*"|'[^'\n]*'|[^\s"'&;|<>()\x60]+)`;

// Names whose value is a secret. Strong words count anywhere as a segment; weak words
// (key, auth, pass, pwd) only with something in front (API_KEY, BASIC_AUTH, MYSQL_PWD),
// so that `sort --key=2` and `PWD=/home/me` stay readable.
const STRONG_NAME = /(?:^|[_.-])(?:token|secret|password|passwd|passphrase|apikey|api[_-]key|credentials?)(?:[_.-]|$)/i;
const GLUED_NAME = /(?:token|secret|password|passwd|passphrase|apikey|api_?key|accesskey|privatekey|secretkey)$/i;
const WEAK_NAME = /^(?:pass|passwd)$|.[_-](?:key|auth|pass|pwd)$/i;
// Name suffixes that mean the value is not the secret itself but where to find it.
const NOT_SECRET_TAIL = /(?:[_-](?:path|file|dir|id|name|url|uri|type|size|len|length|env|stdin|prompt|count|ttl|expiry|expires|alg|algorithm|field|header|location|ref|policy|format|version|region|hint|mode|cmd|command|helper|store|arn|source|limit|max|min|refresh))$/i;

// `--sign-key`, `sort_key`, `partition-key`: keys that are identifiers, not secrets.
const NOT_SECRET_KEY = /(?:^|[_-])(?:sign|default|recv|send|primary|foreign|sort|partition|cache|hash|public|pub|idempotency|routing|shard|row|range|index|lookup|object|group|dedupe?|composite|unique|search|map|host|known|trusted|local)[_-]key$/i;

export function isSecretName(name: string): boolean {
  if (name.length < 3) return false;
  if (NOT_SECRET_TAIL.test(name) || NOT_SECRET_KEY.test(name)) return false;
  return STRONG_NAME.test(name) || GLUED_NAME.test(name) || WEAK_NAME.test(name);
}

/** Values that name where a key lives rather than being one (`--ssh-key ~/.ssh/id`). */
function looksLikePath(v: string): boolean {
  const s = v.replace(/^["']|["']$/g, '');
  return /^(?:~?\/|\.\.?\/|[A-Za-z]:\\)/.test(s) || /\.(?:pem|key|pub|crt|cer|p12|pfx|json|txt|env|gpg|asc)$/i.test(s);
}

/** A bare word that looks like a credential rather than prose. */
function looksLikeSecret(v: string): boolean {
  return v.length >= 8 && !/\s/.test(v) && (/[0-9]/.test(v) || v.length >= 20) && !isReference(v);
}

function maskNamed(m: string, name: string, sep: string, val: string): string {
  if (!isSecretName(name)) return m;
  if (!/(?:token|secret|pass|pwd)/i.test(name) && looksLikePath(val)) return m;
  return name + sep + maskQuoted(val);
}

type Rule = {
  /** Cheap test (lower-cased haystack contains one of these); omit to always run. */
  hint?: string[];
  re: RegExp;
  fn: (...m: string[]) => string;
};

const RULES: Rule[] = [
  // Private key blocks (PEM, OpenSSH, PGP), possibly cut off before the END line.
  {
    hint: ['private key'],
    re: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
    fn: (_m, kind) => `-----BEGIN ${kind}-----${MASK}-----END ${kind}-----`,
  },
  // user:password@ in URLs (keep the user).
  {
    hint: ['://'],
    re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s/@'"]+)@/gi,
    fn: (_m, scheme, user, pw) => (isReference(pw) ? _m : `${scheme}${user}:${MASK}@`),
  },
  // Token-as-user in URLs: https://ghp_xxx@github.com, https://oauth2:xxx… handled above.
  {
    hint: ['://'],
    re: /\b([a-z][a-z0-9+.-]*:\/\/)((?:gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_]{10,})@/gi,
    fn: (_m, scheme, tok) => `${scheme}${maskValue(tok)}@`,
  },
  // Authorization / Proxy-Authorization headers: keep the scheme.
  {
    hint: ['authorization'],
    re: /\b((?:proxy-)?authorization\s*:\s*)(?:(bearer|basic|token|digest|negotiate|ntlm|apikey|bot|sso-key|aws4-hmac-sha256|dpop)\s+)?([^\s"'\\]+(?:[ \t]+[^\s"'\\=]+=[^\s"'\\]+)*)/gi,
    fn: (m, head, scheme, val) => {
      if (isReference(val)) return m;
      if (scheme) return `${head}${scheme} ${MASK}`;
      return looksLikeSecret(val) ? head + MASK : m;
    },
  },
  // Any header given with -H / --header whose name is about credentials (cookies too).
  {
    hint: ['-h', '--header'],
    re: /((?:^|\s)(?:-H|--header)(?:\s+|=)["']?\s*)((?:x-)?(?:[A-Za-z0-9]+-)*(?:api-?key|[a-z]*token|secret|password|cookie|auth[a-z]*|signature)\s*:\s*)([^"'\n\\]*)/gi,
    fn: (m, pre, head, val) => (val.trim() === '' || isReference(val.trim()) || /^authorization/i.test(head) ? m : pre + head + MASK),
  },
  // Unambiguous credential header names anywhere (httpie `X-API-Key:abc`).
  {
    hint: ['key', 'token'],
    re: /(?<![/:])\b((?:x-[a-z0-9-]*)?(?:api-?key|auth-token|access-token|private-token|vault-token|session-token)\s*:\s*)([^\s"'\\]+)/gi,
    fn: (m, head, val) => (looksLikeSecret(val) ? head + MASK : m),
  },
  // Bearer tokens outside a header.
  {
    hint: ['bearer'],
    re: /\b(bearer)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi,
    fn: (m, word, sp, tok) => (looksLikeSecret(tok) ? `${word}${sp}${MASK}` : m),
  },
  // Slack incoming webhooks.
  {
    hint: ['hooks.slack.com'],
    re: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    fn: (_m, head) => head + MASK,
  },
  // Vendor tokens with a recognisable prefix.
  {
    re: /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{16,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_-]{30,}|dop_v1_[a-f0-9]{40,}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g,
    fn: (m) => maskValue(m),
  },
  // OpenAI / Anthropic style keys: sk-…, sk-proj-…, sk-ant-…
  {
    hint: ['sk-'],
    re: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    fn: (m) => maskValue(m),
  },
  // JWTs.
  {
    hint: ['eyj'],
    re: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    fn: () => `eyJ${MASK}`,
  },
  // AWS access key ids.
  {
    re: /\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    fn: (_m, p) => p + MASK,
  },
  // `aws configure set aws_secret_access_key VALUE` and the like (space separated).
  {
    hint: ['aws_'],
    re: /\b(aws_secret_access_key|aws_session_token|aws_security_token)(\s+)([^\s"'&;|]+|"[^"\n]*"|'[^'\n]*')/gi,
    fn: (_m, name, sp, val) => `${name}${sp}${maskQuoted(val)}`,
  },
  // AWS secret access keys standing alone: 40 base64 characters, mixed case with a digit,
  // in a line that talks about AWS or secrets (git hashes are lower-case hex anyway).
  {
    hint: ['aws', 'akia', 'asia', 'secret'],
    re: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    fn: (m) => (/[A-Z]/.test(m) && /[a-z]/.test(m) && /[0-9]/.test(m) && !m.startsWith('/') && !m.includes('//') ? MASK : m),
  },
  // docker / podman / helm / oras login -p SECRET
  {
    hint: ['login'],
    re: /\b((?:docker|podman|nerdctl|buildah|skopeo|helm(?:\s+registry)?|oras|crane)\s+login\b[^;&|\n]*?\s-p\s+)("[^"\n]*"|'[^'\n]*'|[^\s"'&;|]+)/g,
    fn: (_m, head, val) => head + maskQuoted(val),
  },
  // mysql -pSECRET (attached value only: `-p` alone prompts, `-p db` names a database).
  {
    hint: ['mysql', 'mariadb'],
    re: /\b((?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mysqlcheck|mariadb|mariadb-dump|mariadb-admin)\b[^;&|\n]*?\s-p)("[^"\n]*"|'[^'\n]*'|[^\s"'&;|]+)/g,
    fn: (_m, head, val) => head + maskQuoted(val),
  },
  // sshpass -p SECRET
  {
    hint: ['sshpass'],
    re: /\b(sshpass\s+(?:-\w+\s+)*?-p\s*)("[^"\n]*"|'[^'\n]*'|[^\s"'&;|]+)/g,
    fn: (_m, head, val) => head + maskQuoted(val),
  },
  // curl -u user:password / --user user:password (keep the user).
  {
    hint: ['curl', 'wget', 'http'],
    re: /\b((?:curl|http|https|xh)\b[^;&|\n]*?\s(?:-u|--user|--proxy-user|-U|-a|--auth)\s*["']?)([^\s:"']+):([^\s"']+)/g,
    fn: (m, head, user, pw) => (isReference(pw) ? m : `${head}${user}:${MASK}`),
  },
  // Command-line flags: --password=x, --password x, --token x, --api-key x, --client-secret x.
  {
    hint: ['pass', 'token', 'secret', 'key', 'auth', 'cred', 'pwd'],
    re: new RegExp(String.raw`(?<![\w-])(--?[A-Za-z][A-Za-z0-9_-]*)(=|[ \t]+)${VALUE}`, 'g'),
    fn: (m, flag, sep, val) => {
      if (sep !== '=' && (val.startsWith('-') || flag.length <= 2)) return m;
      const dashes = flag.length - flag.replace(/^-+/, '').length;
      return flag.slice(0, dashes) + maskNamed(m.slice(dashes), flag.slice(dashes), sep, val);
    },
  },
  // Assignments: FOO_TOKEN=x, export AWS_SECRET_ACCESS_KEY="x", ?access_token=x&, Password=x;
  {
    hint: ['pass', 'token', 'secret', 'key', 'auth', 'cred', 'pwd'],
    re: new RegExp(String.raw`(?<![\w-])([A-Za-z_][A-Za-z0-9_.-]*)=${VALUE}`, 'g'),
    fn: (m, name, val) => {
      const dot = name.lastIndexOf('.');
      return dot < 0 ? maskNamed(m, name, '=', val) : name.slice(0, dot + 1) + maskNamed(m.slice(dot + 1), name.slice(dot + 1), '=', val);
    },
  },
  // JSON / YAML style: "password": "x", client_secret: 'x'
  {
    hint: ['pass', 'token', 'secret', 'key', 'auth', 'cred', 'pwd'],
    re: /(["']?)([A-Za-z_][A-Za-z0-9_-]*)\1(\s*:\s*)("[^"\n]*"|'[^'\n]*')/g,
    fn: (m, q, name, sep, val) => (isSecretName(name) && !looksLikePath(val) ? `${q}${name}${q}${sep}${maskQuoted(val)}` : m),
  },
];

/**
 * Mask every secret form TwoKey knows in a piece of text (a command line, a reason,
 * an evidence value). Idempotent: masking masked text changes nothing.
 */
export function maskSecrets(text: string): string {
  if (typeof text !== 'string' || text.length < 8) return text;
  let lower: string | undefined;
  let out = text;
  for (const rule of RULES) {
    if (rule.hint) {
      lower ??= out.toLowerCase();
      if (!rule.hint.some((h) => lower!.includes(h))) continue;
    }
    rule.re.lastIndex = 0;
    const next = out.replace(rule.re, rule.fn as (substring: string, ...args: unknown[]) => string);
    if (next !== out) {
      out = next;
      lower = undefined;
    }
  }
  return out;
}

/** Keys whose string value is a secret whatever it looks like. */
const SECRET_KEY = /^(?:authorization|cookie|set-cookie)$/i;

/**
 * Deep copy of a value with every string masked; string values under keys that
 * name a secret (`password`, `apiKey`, `token`, `authorization`…) are replaced whole.
 */
export function maskObject<T>(value: T): T {
  return maskAny(value, undefined, 0) as T;
}

function maskAny(value: unknown, key: string | undefined, depth: number): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && value !== '' && (SECRET_KEY.test(key) || isSecretName(key)) && !isReference(value)) {
      return maskValue(value);
    }
    return maskSecrets(value);
  }
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => maskAny(v, undefined, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskAny(v, k, depth + 1);
  return out;
}
