/**
 * A loosening of `.twokey/policy.json` does not take effect until a person approves it.
 * Whoever loads the policy asks `policyText(file)` first: while the text on disk loosens
 * the last approved text, the approved text is what TwoKey applies. The check runs at load
 * time, so no watcher race can let a loosened policy apply for even one command. Reads the
 * policy file it is given; the approved text comes from the snapshot store.
 */
import * as fs from 'node:fs';
import { Emitter, type Disposable } from '../events';
import { isLoosening } from './loosening';
import type { SnapshotStore } from './snapshots';

export class PolicyGate {
  /** Files whose loosening a person is being asked about (for the prompt and tests). */
  private readonly pending = new Set<string>();
  private readonly pendingFound = new Emitter<string>();

  constructor(private readonly store: SnapshotStore) {}

  /**
   * Calls `fn` once per new pending file when a loosening is found at load time, and at once
   * for the files already pending. Every listener is called; the result unsubscribes.
   */
  onPending(fn: (file: string) => void): Disposable {
    const sub = this.pendingFound.event(fn);
    for (const f of this.pending) fn(f);
    return sub;
  }

  /**
   * The text to load for `file`, or undefined to read the disk as usual. Undefined when the
   * disk text does not loosen the approved one. A policy seen for the first time (nothing
   * approved yet) is measured against no policy at all: one that loosens the defaults waits
   * for a person like any later loosening.
   */
  policyText(file: string): string | undefined {
    const approved = this.store.lastApproved(file);
    let disk: string | undefined;
    try {
      disk = fs.readFileSync(file, 'utf8');
    } catch {
      disk = undefined;
    }
    const was = approved?.exists ? approved.content.toString('utf8') : undefined;
    if (disk === was) {
      this.pending.delete(file);
      return undefined;
    }
    if (!isLoosening('policy', was, disk).loosening) return undefined;
    if (!this.pending.has(file)) {
      this.pending.add(file);
      this.pendingFound.fire(file);
    }
    // The approved state was "no file": an empty policy (the defaults and user settings apply).
    return was ?? '{}';
  }

  isPending(file: string): boolean {
    return this.pending.has(file);
  }

  /** A person answered: the disk text is approved (Keep) or was written back (Revert). */
  settled(file: string): void {
    this.pending.delete(file);
  }
}
