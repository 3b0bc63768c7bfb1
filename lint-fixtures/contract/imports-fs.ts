// Must fail lint: the contract imports no node module.
import fs from 'node:fs';
export const exists = fs.existsSync;
