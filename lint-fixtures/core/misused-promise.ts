// Must fail lint: an async callback where a plain callback is expected (its rejection is lost), and a
// promise used as a condition (always true).
import { EventEmitter } from 'node:events';
async function reindex(): Promise<boolean> {
  return true;
}
export function wire(events: EventEmitter): void {
  events.on('change', async () => {
    await reindex();
  });
  if (reindex()) events.emit('done');
}
