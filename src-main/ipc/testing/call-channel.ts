// Test support: invokes a contract channel on a router (or the session in front of it) and returns
// its typed value, or throws with the error's code and message so a failing test says why.
import type { Channel, ChannelArgs, ChannelResult } from '../../../src-preload/contract/channels';
import type { RequestRouter } from '../ipc-router';

export async function callChannel<C extends Channel>(router: Pick<RequestRouter, 'invoke'>, channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> {
  const r = await router.invoke(channel, args);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value as ChannelResult<C>;
}
