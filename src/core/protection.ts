/**
 * Whether protection is paused, until when, and by whom. A pause is time-boxed, ends by
 * itself, and never lifts what the policy denies outright. Pure: the clock is injectable.
 */
export interface PauseState {
  until: number;
  by: string;
}

export class Protection {
  private pause: PauseState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The active pause, or undefined when protection is on (an expired pause is cleared). */
  paused(): PauseState | undefined {
    if (this.pause && this.now() >= this.pause.until) {
      this.pause = undefined;
    }
    return this.pause;
  }

  pauseFor(ms: number, by: string): PauseState {
    if (!(ms > 0) || ms > 8 * 3600_000) throw new Error('a pause lasts between a second and 8 hours');
    this.pause = { until: this.now() + ms, by };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.pause = undefined;
      this.emit();
    }, ms);
    this.timer.unref?.();
    this.emit();
    return this.pause;
  }

  resume(): void {
    clearTimeout(this.timer);
    this.pause = undefined;
    this.emit();
  }

  onDidChange(fn: () => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
