import type { Evidence } from '../types';
import type { Identity } from '../policy/match';

export type { Identity };

/** Evidence plus what it was read from and what it names (for `twokey env`, the starter policy). */
export interface DetectedSignal extends Evidence {
  /** The file the value came from, or `env` for a variable. */
  source: string;
  /** The names, hosts and ids the signal names; what a policy would list to place it. */
  identities: Identity[];
  /** Extra words for people (`namespace payments`, `cluster eks-1`); never a secret. */
  detail?: string;
}
