// Turns zod validation of a domain input into one InputError naming the first bad field, so every
// host (CLI, IPC, import) reports "field: problem" and nothing is written.
import type { z } from 'zod';
import { InputError } from '../errors';

export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, root = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : root;
  const others = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
  throw new InputError(`${field}: ${issue.message}${others}`, field);
}
