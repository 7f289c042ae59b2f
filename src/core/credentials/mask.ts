/**
 * Which values of a credential file may be shown: those that say where the file points
 * (a database host, a project id, a context, cluster or profile name, a region) stay
 * readable; secrets and everything unrecognised are masked. Pure.
 */
import * as crypto from 'node:crypto';
import { MASK, isSecretName, maskValue } from '../redact';
import { looksSecret, maskUrl, safeValue } from '../environment/values';

/** Key names whose value is a secret whatever it looks like (besides `isSecretName`). */
const SECRET_LEAF =
  /^(?:_?auth|_authtoken|auth|authtoken|password|passwd|pass|pwd|token|secret|id-token|refresh-token|access-token|client-key-data|client-certificate-data|private_key|private_key_id|privatekey|private-key|key|secret_key|secretkey|api_key|apikey|identitytoken|registrytoken|credential|credentials|account_key|accountkey|sas|sastoken|connectionstring|connection_string)$/i;

/**
 * Key names whose value identifies the environment rather than granting access to it.
 * Matched on the last segment of the key path, case-insensitive, on word boundaries.
 */
const IDENTIFYING =
  /(?:^|[_.-])(?:env|environment|environments|environmentname|environment_name|environment_id|stage|tier|region|regions|zone|location|profile|source_profile|project|projects|project_id|projectid|project_name|project_number|quota_project_id|account|account_id|sso_account_id|sso_region|sso_role_name|sso_session|sso_start_url|role_arn|subscription|subscription_id|subscriptionid|tenant|tenantid|tenant_id|context|current-context|cluster|namespace|host|hostname|server|endpoint|port|database|db|dbname|db_name|name|user|username|login|machine|registry|app|app_name|service|service_name|output|type|email|client_email|client_id|universe_domain|auth_uri|token_uri|isdefault|apiversion|kind|version|state|team|workspace|organization|org|owner)$/i;

/** The last segment of a key path: `contexts[prod].context.cluster` → `cluster`, `[default].region` → `region`. */
export function leafName(key: string): string {
  const m = /([^.[\]]+)\]?$/.exec(key);
  return (m?.[1] ?? key).trim();
}

export function isIdentifyingName(name: string): boolean {
  return IDENTIFYING.test(name) && !isSecretKey(name);
}

export function isSecretKey(name: string): boolean {
  return SECRET_LEAF.test(name) || isSecretName(name) || /(?:token|secret|passw|private)/i.test(name);
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)(?:-----END \1-----|$)/;

/** A short description of key material: kind, size and a fingerprint of the whole block. */
export function describeKeyMaterial(kind: string, block: string): string {
  const body = block.replace(/\s+/g, '');
  const fp = crypto.createHash('sha256').update(body).digest('hex').slice(0, 12);
  const what = /PRIVATE/.test(kind) ? 'private key' : /CERTIFICATE/.test(kind) ? 'certificate' : /PUBLIC/.test(kind) ? 'public key' : kind.toLowerCase();
  return `${what} (${kind}, ${body.length} chars, sha256:${fp})`;
}

export interface ShownValue {
  /** What may be shown. */
  text: string;
  /** The value names the environment (a host, a project, a context): shown, and used as evidence. */
  identifying: boolean;
}

/** A number, a boolean word, or an empty value: shown as is (ports, flags). */
function isPlain(v: string): boolean {
  return v === '' || /^(?:true|false|yes|no|on|off|null|none)$/i.test(v) || /^-?\d{1,5}$/.test(v);
}

/**
 * What of one value may be shown, given its key path (`DATABASE_URL`, `[prod].region`,
 * `clusters[prod].cluster.server`).
 */
export function showValue(key: string, value: string): ShownValue {
  const leaf = leafName(key);
  const pem = PEM.exec(value);
  if (pem) return { text: describeKeyMaterial(pem[1], pem[0]), identifying: false };
  if (isSecretKey(leaf)) return { text: value === '' ? '' : maskValue(value), identifying: false };
  if (isPlain(value)) return { text: value, identifying: false };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) return { text: maskUrl(value), identifying: true };
  if (isIdentifyingName(leaf) || /_(?:URL|URI|HOST|ENV)$/i.test(leaf)) {
    const shown = safeValue(value);
    return shown === value && !looksSecret(value) ? { text: value.length > 120 ? value.slice(0, 117) + '…' : value, identifying: true } : { text: MASK, identifying: false };
  }
  return { text: MASK, identifying: false };
}

/** Free text (a comment, an unrecognised line): words that look like secrets are masked. */
export function maskFreeText(text: string): string {
  return text.replace(/[^\s"'=:,;#]{12,}/g, (w) => (looksSecret(w) || /\d/.test(w) && /[A-Za-z]/.test(w) && w.length >= 16 && !/^[\w.-]+\.[a-z]{2,}$/i.test(w) ? MASK : w));
}
