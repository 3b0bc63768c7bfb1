// Must fail lint: the shared, runtime-free folder imports no node module (the renderer imports it).
import fs from 'node:fs';
export const exists = fs.existsSync;
