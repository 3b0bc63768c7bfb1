// The one router between the renderer and the core services (DESIGN §2). Every request is checked
// against the contract: unknown channel → UNKNOWN_CHANNEL, bad arguments → BAD_INPUT naming the
// field, service errors → their code. Results are validated too, so a drift between a service and the
// contract surfaces as a clear INTERNAL error instead of a broken page. Pushes go out through `onEvent`
// to every transport (Electron webContents, browser-host sockets).
import { EventEmitter } from 'node:events';
import { channels, isChannel, type Channel, type ChannelDomain, type ChannelResult, type DomainChannel, type ParsedArgs } from '../../src-preload/contract/channels';
import { events, type EventName, type EventPayload } from '../../src-preload/contract/push-events';
import { fail, ok, type IpcResult } from '../../src-preload/contract/result';
import { errorCode, errorMessage, formatZodIssues } from '../core/errors';
import type { Logger } from '../core/logger';
import { messagesOfError } from '../core/ml/retraining/retraining-message';

export type ChannelHandler<C extends Channel> = (args: ParsedArgs<C>) => Promise<ChannelResult<C>> | ChannelResult<C>;
export type HandlerMap = { [C in Channel]: ChannelHandler<C> };
export type PartialHandlers<C extends Channel> = { [K in C]: ChannelHandler<K> };
/** The handlers of one contract domain: exactly its channels, as the contract's domain map lists them. */
export type DomainHandlers<D extends ChannelDomain> = PartialHandlers<DomainChannel<D>>;

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** How the router pushes an event; handler modules get it to forward service events. */
export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** What a transport (Electron's ipcMain, the browser host's sockets) needs: requests in, pushes out. */
export interface RequestRouter {
  invoke(channel: unknown, args: unknown): Promise<IpcResult<unknown>>;
  onEvent(listener: EventListener): () => void;
}

/** Names a rejected channel without calling anything on it (a frame may carry `{toString: 1}`). */
function describeChannel(channel: unknown): string {
  if (typeof channel !== 'string') return `expected a channel name (string), got ${channel === null ? 'null' : Array.isArray(channel) ? 'an array' : typeof channel}`;
  return `unknown channel ${JSON.stringify(channel.slice(0, 100))}`;
}

/** BAD_INPUT messages quote what was sent (an unknown key, say): at most this many characters go back. */
const BAD_INPUT_MESSAGE_MAX = 1000;

function clipMessage(message: string): string {
  return message.length > BAD_INPUT_MESSAGE_MAX ? `${message.slice(0, BAD_INPUT_MESSAGE_MAX)}… (${message.length - BAD_INPUT_MESSAGE_MAX} more characters)` : message;
}

export class IpcRouter implements RequestRouter {
  private readonly bus = new EventEmitter();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly handlers: HandlerMap,
    private readonly logger: Logger,
  ) {
    this.bus.setMaxListeners(0);
  }

  /** Runs one request. Never throws: every failure is an `{ok:false,error}` result. */
  async invoke(channel: unknown, args: unknown): Promise<IpcResult<unknown>> {
    if (!isChannel(channel)) {
      return fail('UNKNOWN_CHANNEL', `channel: ${describeChannel(channel)}`);
    }
    const spec = channels[channel];
    const parsed = spec.args.safeParse(args === undefined ? {} : args);
    if (!parsed.success) return fail('BAD_INPUT', clipMessage(formatZodIssues(parsed.error.issues, 'args')));
    try {
      const handler = this.handlers[channel] as (a: unknown) => unknown;
      const value = await handler(parsed.data);
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        const msg = `${channel}: result does not match the contract (${formatZodIssues(checked.error.issues, 'result')})`;
        this.logger.error(msg);
        return fail('INTERNAL', msg);
      }
      return ok(checked.data);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'INTERNAL') this.logger.error({ err: e }, `${channel} failed: ${errorMessage(e)}`);
      return fail(code, errorMessage(e), messagesOfError(e));
    }
  }

  /** Pushes an event to every subscribed transport. Payloads are checked against the event map. */
  emit: EmitEvent = (event, payload) => {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      this.logger.error(`event ${event}: payload does not match the contract (${formatZodIssues(checked.error.issues, 'payload')})`);
      return;
    }
    this.bus.emit('event', event, checked.data);
  };

  /** Subscribes a transport to every push; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    const fn = (event: EventName, payload: unknown) => listener(event, payload as never);
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }

  /** Registers cleanup for service subscriptions made when the router was built. */
  addDisposer(fn: () => void): void {
    this.disposers.push(fn);
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.bus.removeAllListeners();
  }
}
