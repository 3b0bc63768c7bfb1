// The browser host's budgets per frame and per connection, and why each has the value it has.
import { MAX_FRAME_BYTES, MAX_FRAME_DEPTH } from '../../src-preload/contract/bridge-api';
import type { FrameLimits } from './ws-frame';
import type { SchedulerLimits } from './request-scheduler';

export interface HostLimits extends FrameLimits, SchedulerLimits {
  /**
   * The socket's own frame limit: a larger frame closes the connection (code 1009) unanswered, before
   * it is buffered whole. Above `maxFrameBytes`, so an oversize request up to it still gets its
   * BAD_FRAME answer naming the size and the limit.
   */
  maxPayloadBytes: number;
  /** Replies not yet written to a connection beyond which it is not served until it reads them. */
  maxUnsentReplyBytes: number;
}

export const DEFAULT_HOST_LIMITS: Readonly<HostLimits> = {
  // The largest requests the contract allows (a feedback with a 50,000-character answer and as long a
  // correction, an invoice of 200 lines of 1,000 characters) stay under 400 KB even in 3-byte UTF-8.
  maxFrameBytes: MAX_FRAME_BYTES,
  maxPayloadBytes: 16 * 1024 * 1024,
  // A request is a few levels deep (frame → args → lines → line); 32 is far beyond any of them.
  maxDepth: MAX_FRAME_DEPTH,
  // The page opens with a burst of ~20 requests; the queue holds ten times that.
  maxQueuedPerConnection: 256,
  maxQueuedBytesPerConnection: 8 * 1024 * 1024,
  // Most handlers are synchronous, so these bound the asynchronous ones (the assistant, the worker's
  // jobs) and keep one connection from holding every slot.
  maxInFlightPerConnection: 4,
  maxInFlightTotal: 16,
  maxUnsentReplyBytes: 4 * 1024 * 1024,
};

/** The defaults with `overrides` applied, checked for consistency (whole numbers ≥ 1, payload ≥ frame). */
export function hostLimits(overrides: Partial<HostLimits> = {}): HostLimits {
  const limits = { ...DEFAULT_HOST_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`browser host limit ${key}: expected a whole number ≥ 1, got ${String(value)}`);
  }
  if (limits.maxPayloadBytes < limits.maxFrameBytes) throw new RangeError(`browser host limit maxPayloadBytes (${limits.maxPayloadBytes}) must be at least maxFrameBytes (${limits.maxFrameBytes})`);
  return limits;
}
