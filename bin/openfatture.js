#!/usr/bin/env node
// The `openfatture` command: runs the TypeScript CLI through tsx's loader, so `npx openfatture`
// works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
