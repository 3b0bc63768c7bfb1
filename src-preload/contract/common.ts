// Building blocks shared by every channel schema of the contract: ids, ISO dates, money in cents,
// paging. Pure zod: this folder is imported by main, preload, the browser client and the renderer.
import { z } from 'zod';

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A calendar date as YYYY-MM-DD that exists (2025-02-30 is rejected). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

/** An ISO UTC timestamp as stored in *_at columns. */
export const IsoTimestamp = z.string().min(10).max(40);

/** Money in integer euro cents (never floating-point euros). */
export const Cents = z.number().int().min(-1e13).max(1e13);

export const Semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a version like 1.2.0');

export const ModelName = z.string().trim().min(1).max(100).regex(/^[a-z][a-z0-9_]*$/, 'expected a model name like cash_flow');

export const EntityType = z.enum(['invoice', 'client', 'product']);
export type EntityType = z.infer<typeof EntityType>;

export const Limit = (max = 1000, dflt = 100) => z.number().int().min(1).max(max).default(dflt);
export const Offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

export const NoArgs = z.object({}).strict();

export const Page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), total: z.number().int().min(0) });

/** Metric values as the registry stores them: named numbers, null when not computable. */
export const Metrics = z.record(z.string(), z.number().nullable());
