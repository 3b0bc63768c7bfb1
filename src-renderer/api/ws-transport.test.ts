// The browser transport's handling of the access token and of requests over the host's frame budget.
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../src-preload/contract/bridge-api';
import { dropTokenFromAddress, pageToken, socketUrl, WsTransport } from './ws-transport';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
}

/** The part of `window.history` the transport uses, recording where it moved the address bar. */
class AddressBar {
  state: unknown = { scroll: 3 };
  readonly moves: { state: unknown; url: string }[] = [];
  replaceState(state: unknown, _unused: string, url?: string | URL | null): void {
    this.moves.push({ state, url: String(url) });
  }
}

describe('the access token', () => {
  it('is kept for the tab and taken out of the address bar, keeping the path, other parameters and the page hash', () => {
    const storage = new MemoryStorage();
    const href = 'http://127.0.0.1:7420/?lang=it&token=abc123#/models';
    expect(pageToken(new URL(href), storage)).toBe('abc123');
    const bar = new AddressBar();
    expect(dropTokenFromAddress({ href }, bar)).toBe(true);
    expect(bar.moves).toEqual([{ state: { scroll: 3 }, url: '/?lang=it#/models' }]);
    // The reloaded address has no token: the kept one still opens the socket.
    const reloaded = new URL('http://127.0.0.1:7420/#/models');
    const token = pageToken(reloaded, storage);
    expect(token).toBe('abc123');
    expect(socketUrl(reloaded, token)).toBe('ws://127.0.0.1:7420/ws?token=abc123');
  });

  it('leaves an address without a token alone', () => {
    const bar = new AddressBar();
    expect(dropTokenFromAddress({ href: 'http://127.0.0.1:7420/#/assistant' }, bar)).toBe(false);
    expect(bar.moves).toEqual([]);
  });
});

describe('a request over the frame budget', () => {
  it('fails at once with BAD_FRAME naming its size and the limit, and nothing is sent', async () => {
    let sockets = 0;
    const transport = new WsTransport('ws://127.0.0.1:1/ws', () => {
      sockets++;
      throw new Error('no socket should be opened for a request that is not sent');
    });
    const r = await transport.request('feedback:submit', { userInput: 'q', aiResponse: '€'.repeat(MAX_FRAME_BYTES / 2) });
    expect(r).toEqual({ ok: false, error: { code: 'BAD_FRAME', message: expect.stringMatching(new RegExp(`^feedback:submit: the request is \\d+ bytes, over the limit of ${MAX_FRAME_BYTES} bytes`)) } });
    expect(sockets).toBe(0);
  });
});
