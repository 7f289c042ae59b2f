/**
 * What a gate sends with a request: the variables the resolver reads, and nothing
 * secret. URL values keep scheme, host, port and database name only.
 */
import { anyOf } from '../policy/match';
import type { Policy } from '../policy/types';
import { DOTENV_SELECTORS } from '../policy/defaults';
import { maskUrl, safeValue } from './values';

/** Variables that point the tools at a context (read by the kubeconfig, AWS, gcloud, Azure and Terraform signals). */
export const TOOL_VARIABLES: readonly string[] = [
  'KUBECONFIG',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONFIG_FILE',
  'CLOUDSDK_CONFIG',
  'CLOUDSDK_ACTIVE_CONFIG_NAME',
  'CLOUDSDK_CORE_PROJECT',
  'AZURE_CONFIG_DIR',
  'TF_WORKSPACE',
  'TF_DATA_DIR',
];

export function pickSignalVariables(env: Record<string, string | undefined>, policy: Policy): Record<string, string> {
  const isVar = anyOf([...policy.signals.variables, ...DOTENV_SELECTORS, ...TOOL_VARIABLES], undefined, false);
  const isUrl = anyOf(policy.signals.urlVariables, undefined, false);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (isUrl(k)) out[k] = v.includes('://') ? maskUrl(v) : safeValue(v);
    else if (isVar(k)) out[k] = TOOL_VARIABLES.includes(k) ? v : safeValue(v);
  }
  return out;
}
