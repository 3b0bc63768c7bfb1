// status:get — every metric of the seed's Monitoring section (the same sections as `ai status`).
import { z } from 'zod';
import { NoArgs } from './common';

export const StatusSection = z.object({
  id: z.string(),
  title: z.string(),
  rows: z.array(z.object({ label: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) })),
});

export const SystemStatus = z.object({
  dataDir: z.string(),
  host: z.enum(['cli', 'serve', 'electron', 'test']),
  version: z.string(),
  startedAt: z.string(),
  sections: z.array(StatusSection),
});
export type SystemStatus = z.infer<typeof SystemStatus>;

export const statusChannels = {
  'status:get': { args: NoArgs, result: SystemStatus },
} as const;
