// Must fail lint: the shared domain schemas import no node module (the renderer imports them).
import fs from 'node:fs';
export const exists = fs.existsSync;
