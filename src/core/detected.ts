/**
 * What an environment signal found, in the shape both the environment resolver (which
 * produces it) and the policy (which places it, and writes a starter file from it) use.
 */
import type { Evidence } from './types';

/** A thing a signal names: a name (context, profile, project), a host, or an id. */
export interface Identity {
  kind: 'name' | 'host' | 'id';
  value: string;
}

/** Evidence plus what it was read from and what it names (for `twokey env`, the starter policy). */
export interface DetectedSignal extends Evidence {
  /** The file the value came from, or `env` for a variable. */
  source: string;
  /** The names, hosts and ids the signal names; what a policy would list to place it. */
  identities: Identity[];
  /** Extra words for people (`namespace payments`, `cluster eks-1`); never a secret. */
  detail?: string;
}
