/**
 * Events and disposables without `vscode`: the pure core and the extension share them.
 * An `Event<T>` is a function that takes a listener and returns what removes it; an
 * `Emitter<T>` owns one and fires it to every listener, in the order they subscribed.
 */
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<Listener<T>>();
  private disposed = false;

  /** Subscribe; the result unsubscribes. A listener given twice is called twice. */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    const own: Listener<T> = (v) => listener(v);
    this.listeners.add(own);
    return { dispose: () => void this.listeners.delete(own) };
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Calls every listener; one that throws does not keep the value from the others. */
  fire(value: T): void {
    let first: { error: unknown } | undefined;
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (error) {
        first ??= { error };
      }
    }
    if (first) throw first.error;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** A group of disposables disposed together, in the order added; adding after disposal disposes at once. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<D extends Disposable>(d: D): D {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  dispose(): void {
    this.disposed = true;
    let first: { error: unknown } | undefined;
    for (const d of this.items.splice(0)) {
      try {
        d.dispose();
      } catch (error) {
        first ??= { error };
      }
    }
    if (first) throw first.error;
  }
}

/** A disposable that runs `fn` once. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}
