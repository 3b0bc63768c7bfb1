// The one contract between renderer and main (DESIGN §2): every request channel `domain:verb` with
// its argument and result schemas. Main validates arguments with these; the renderer gets the types.
import type { z } from 'zod';
import { assistantChannels } from './assistant-channels';
import { bankChannels } from './bank-channels';
import { conversationChannels } from './conversation-channels';
import { dataChannels } from './data-channels';
import { feedbackChannels } from './feedback-channels';
import { importChannels } from './import-channels';
import { indexChannels } from './index-channels';
import { modelsChannels } from './models-channels';
import { opsChannels } from './ops-channels';
import { settingsChannels } from './settings-channels';
import { setupChannels } from './setup-channels';
import { statusChannels } from './status-channels';

/** The contract by domain: main serves each domain's channels with one handler module (src-main/ipc/handlers). */
export const channelDomains = {
  data: dataChannels,
  /** The assistant and its stored conversations. */
  assistant: { ...assistantChannels, ...conversationChannels },
  feedback: feedbackChannels,
  models: modelsChannels,
  index: indexChannels,
  settings: settingsChannels,
  status: statusChannels,
  ops: opsChannels,
  import: importChannels,
  /** Bank statements and payment matching (Data → Bank). */
  bank: bankChannels,
  /** What the first-run checklist reads and the demo-data step. */
  setup: setupChannels,
} as const;

type ChannelDomains = typeof channelDomains;
export type ChannelDomain = keyof ChannelDomains;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every channel of every domain, by name. */
export const channels = Object.assign({}, ...Object.values(channelDomains)) as UnionToIntersection<ChannelDomains[ChannelDomain]>;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** The channels of one domain. */
export type DomainChannel<D extends ChannelDomain> = keyof ChannelDomains[D] & Channel;
/** What a caller passes (defaults may be omitted). */
export type ChannelArgs<C extends Channel> = z.input<Channels[C]['args']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedArgs<C extends Channel> = z.output<Channels[C]['args']>;
export type ChannelResult<C extends Channel> = z.output<Channels[C]['result']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}
