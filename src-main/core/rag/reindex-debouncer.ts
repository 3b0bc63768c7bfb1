// ReindexDebouncer: when reindex batches start (DESIGN §5). A true debounce — a batch starts once no change arrived
// for DEBOUNCE_SECONDS — with a maximum wait so a steady stream cannot starve the index, full
// batches of BATCH_SIZE start at once, and at most MAX_CONCURRENT_UPDATES batches are in flight.
// Pure timing logic over injected times, so it is tested without clocks or databases.

export interface DebounceTiming {
  debounceMs: number;
  maxWaitMs: number;
  batchSize: number;
  maxConcurrent: number;
  /** ASYNC_PROCESSING=false: no debounce, one batch at a time, started as soon as changes are seen. */
  immediate: boolean;
}

export interface OutboxObservation {
  now: number;
  /** The outbox grew since the last observation. */
  newChanges: boolean;
  /** Entities due for processing that are not already in flight. */
  duePending: number;
  inFlight: number;
}

export class ReindexDebouncer {
  private lastChangeAt = 0;
  /** When the first change of the current window was seen (null: nothing waiting). */
  private windowStart: number | null = null;
  private flushing = false;

  constructor(private timing: DebounceTiming) {}

  update(timing: DebounceTiming): void {
    this.timing = timing;
  }

  get settings(): DebounceTiming {
    return this.timing;
  }

  /** How many batches to start now. */
  decide(o: OutboxObservation): number {
    if (o.newChanges) {
      this.lastChangeAt = o.now;
      this.windowStart ??= o.now;
    }
    if (o.duePending <= 0) {
      this.windowStart = null;
      this.flushing = false;
      return 0;
    }
    // Pending found without a change seen (startup backlog, retries now due): the window opens now,
    // and since the last change is long past, the debounce lets it go at once.
    this.windowStart ??= o.now;
    const t = this.timing;
    const maxConcurrent = t.immediate ? 1 : t.maxConcurrent;
    const slots = maxConcurrent - o.inFlight;
    if (slots <= 0) return 0;
    if (t.immediate || o.now - this.lastChangeAt >= t.debounceMs || o.now - this.windowStart >= t.maxWaitMs) this.flushing = true;
    if (this.flushing) {
      const needed = Math.ceil(o.duePending / t.batchSize);
      if (needed <= slots) {
        // Everything waiting is taken: the next change opens a new window.
        this.flushing = false;
        this.windowStart = null;
      }
      return Math.min(slots, needed);
    }
    return Math.min(slots, Math.floor(o.duePending / t.batchSize));
  }

  /** Milliseconds until the debounce or the maximum wait would fire (for diagnostics). */
  dueIn(now: number): number | null {
    if (this.windowStart === null) return null;
    const t = this.timing;
    return Math.max(0, Math.min(this.lastChangeAt + t.debounceMs, this.windowStart + t.maxWaitMs) - now);
  }
}
