// Fair scheduling of the browser host's requests across connections. Handlers mostly run synchronous
// SQLite on the main thread, so fairness has to come from here: each connection has its own queue;
// connections with queued work take turns (round-robin, one request per turn); at most
// `maxInFlightPerConnection` requests of one connection and `maxInFlightTotal` overall run at once;
// and each request starts in its own event-loop turn (setImmediate), so the sockets' frames are read
// between two requests and a newcomer is served after at most one request of each other connection.
// A connection's queue is bounded (count and bytes): beyond it `submit` refuses at once and the caller
// answers BUSY. A closed connection's queued requests are dropped without running; a connection that
// does not read its replies ('blocked') keeps its queue until it catches up.

export interface SchedulerLimits {
  maxInFlightPerConnection: number;
  maxQueuedPerConnection: number;
  maxQueuedBytesPerConnection: number;
  maxInFlightTotal: number;
}

/** 'blocked': open but not to be served now (its unsent replies are over budget). */
export type LaneState = 'ready' | 'blocked' | 'closed';

export interface ScheduledJob {
  /** What the queued request weighs against the connection's byte budget. */
  bytes: number;
  run(): Promise<void>;
}

export type SubmitOutcome = { accepted: true } | { accepted: false; reason: string };

export interface SchedulerLoad {
  /** Open connections that have sent requests. */
  connections: number;
  queued: number;
  inFlight: number;
  /** Since start: requests started, refused (queue full), dropped (connection closed). */
  started: number;
  refused: number;
  dropped: number;
}

export interface SchedulerOptions<K> {
  limits: SchedulerLimits;
  stateOf(key: K): LaneState;
  /** A job that rejected (jobs are expected to handle their own errors; this is the backstop). */
  onJobError(error: unknown): void;
  /** Queued requests of a closed connection were dropped without running. */
  onDropped?(key: K, count: number): void;
}

interface Lane<K> {
  key: K;
  queue: ScheduledJob[];
  queuedBytes: number;
  inFlight: number;
}

/** How soon a turn is retried when every waiting connection is blocked by its unread replies. */
const BLOCKED_RETRY_MS = 20;

export class RequestScheduler<K> {
  private readonly lanes = new Map<K, Lane<K>>();
  /** Lanes with queued requests, in turn order; `cursor` is whose turn is next. */
  private readonly ring: Lane<K>[] = [];
  private cursor = 0;
  private inFlight = 0;
  private tick: NodeJS.Immediate | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private started = 0;
  private refused = 0;
  private dropped = 0;

  private readonly limits: SchedulerLimits;
  private readonly stateOf: (key: K) => LaneState;

  constructor(private readonly options: SchedulerOptions<K>) {
    this.limits = options.limits;
    this.stateOf = options.stateOf;
  }

  /** Queues a request of connection `key`, or refuses it at once when that connection's queue is full. */
  submit(key: K, job: ScheduledJob): SubmitOutcome {
    if (this.closed) return { accepted: false, reason: 'the host is shutting down' };
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, queue: [], queuedBytes: 0, inFlight: 0 };
      this.lanes.set(key, lane);
    }
    const { maxQueuedPerConnection: maxCount, maxQueuedBytesPerConnection: maxBytes } = this.limits;
    if (lane.queue.length >= maxCount) {
      this.refused++;
      return { accepted: false, reason: `${lane.queue.length} requests are already waiting on this connection (the limit is ${maxCount}); try again when some are answered` };
    }
    if (lane.queuedBytes + job.bytes > maxBytes) {
      this.refused++;
      return { accepted: false, reason: `requests of ${lane.queuedBytes + job.bytes} bytes would be waiting on this connection (the limit is ${maxBytes} bytes); try again when some are answered` };
    }
    lane.queue.push(job);
    lane.queuedBytes += job.bytes;
    if (lane.queue.length === 1) this.ring.push(lane);
    this.schedule();
    return { accepted: true };
  }

  /** Forgets a closed connection: its queued requests are dropped (returned count); running ones finish. */
  remove(key: K): number {
    const lane = this.lanes.get(key);
    if (!lane) return 0;
    this.lanes.delete(key);
    return this.dropQueued(lane);
  }

  load(): SchedulerLoad {
    let queued = 0;
    for (const lane of this.lanes.values()) queued += lane.queue.length;
    return { connections: this.lanes.size, queued, inFlight: this.inFlight, started: this.started, refused: this.refused, dropped: this.dropped };
  }

  /** Drops every queued request and refuses new ones; running ones finish on their own. */
  close(): number {
    this.closed = true;
    if (this.tick) clearImmediate(this.tick);
    if (this.retry) clearTimeout(this.retry);
    this.tick = null;
    this.retry = null;
    let n = 0;
    for (const key of [...this.lanes.keys()]) n += this.remove(key);
    return n;
  }

  private dropQueued(lane: Lane<K>): number {
    const n = lane.queue.length;
    lane.queue = [];
    lane.queuedBytes = 0;
    const at = this.ring.indexOf(lane);
    if (at >= 0) {
      this.ring.splice(at, 1);
      if (at < this.cursor) this.cursor--;
    }
    this.dropped += n;
    if (n > 0) this.options.onDropped?.(lane.key, n);
    return n;
  }

  private schedule(): void {
    if (!this.tick && !this.closed) this.tick = setImmediate(() => this.turn());
  }

  /** Starts at most one request (the next connection in turn that may run one), then yields. */
  private turn(): void {
    this.tick = null;
    if (this.inFlight >= this.limits.maxInFlightTotal) return; // a finishing request schedules the next turn
    let sawBlocked = false;
    for (let looked = 0, n = this.ring.length; looked < n && this.ring.length > 0; looked++) {
      if (this.cursor >= this.ring.length) this.cursor = 0;
      const lane = this.ring[this.cursor]!;
      const state = this.stateOf(lane.key);
      if (state === 'closed') {
        this.lanes.delete(lane.key);
        this.dropQueued(lane); // removes it from the ring: the next lane is now at the cursor
        continue;
      }
      if (state === 'blocked' || lane.inFlight >= this.limits.maxInFlightPerConnection) {
        if (state === 'blocked') sawBlocked = true;
        this.cursor++;
        continue;
      }
      const job = lane.queue.shift()!;
      lane.queuedBytes -= job.bytes;
      if (lane.queue.length === 0) this.ring.splice(this.cursor, 1);
      else this.cursor++;
      this.start(lane, job);
      this.schedule();
      return;
    }
    if (sawBlocked && !this.retry && !this.closed) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.schedule();
      }, BLOCKED_RETRY_MS);
    }
  }

  private start(lane: Lane<K>, job: ScheduledJob): void {
    lane.inFlight++;
    this.inFlight++;
    this.started++;
    let running: Promise<void>;
    try {
      running = job.run();
    } catch (e) {
      running = Promise.reject(e);
    }
    void running
      .catch((e: unknown) => {
        try {
          this.options.onJobError(e);
        } catch {
          /* the backstop's own failure must not become an unhandled rejection */
        }
      })
      .finally(() => {
        lane.inFlight--;
        this.inFlight--;
        this.schedule();
      });
  }
}
