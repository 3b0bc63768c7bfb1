// Must pass lint: the core may import zod and node builtins.
import path from 'node:path';
import { z } from 'zod';
export const schema = z.string().transform((s) => path.basename(s));
