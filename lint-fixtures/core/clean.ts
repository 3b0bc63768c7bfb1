// Must pass lint: the core may import zod, its own packages and node builtins, and may start work
// without awaiting it when it says so (`void`) and handles the rejection.
import path from 'node:path';
import { z } from 'zod';
export const schema = z.string().transform((s) => path.basename(s));

async function refresh(): Promise<void> {
  await Promise.resolve();
}
export function onChange(log: (e: unknown) => void): void {
  void refresh().catch(log);
}
