// Must pass lint: a test beside core code may drive other layers and use test packages and the
// HTTP stack (here a WebSocket client), which the core itself may not.
import { WebSocket } from 'ws';
import { expect, it } from 'vitest';
import { createAppRouter } from '../../src-main/ipc/create-app-router';

it('sees the router', () => {
  expect(typeof createAppRouter).toBe('function');
  expect(WebSocket.OPEN).toBe(1);
});
