// The one contract between renderer and main (DESIGN §2): every request channel `domain:verb` with
// its argument and result schemas. Main validates arguments with these; the renderer gets the types.
import type { z } from 'zod';
import { assistantChannels } from './assistant-channels';
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

export const channels = {
  ...dataChannels,
  ...assistantChannels,
  ...conversationChannels,
  ...feedbackChannels,
  ...modelsChannels,
  ...indexChannels,
  ...settingsChannels,
  ...statusChannels,
  ...opsChannels,
  ...importChannels,
  ...setupChannels,
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What a caller passes (defaults may be omitted). */
export type ChannelArgs<C extends Channel> = z.input<Channels[C]['args']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedArgs<C extends Channel> = z.output<Channels[C]['args']>;
export type ChannelResult<C extends Channel> = z.output<Channels[C]['result']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}
