// Makes sure the native modules (better-sqlite3, hnswlib-node) are built for the runtime about to use
// them: Node for tests and the CLI, Electron for `npm start`. A mismatch (after running the other one)
// is fixed by rebuilding, so either order works.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MODULES = ['better-sqlite3', 'hnswlib-node'];

export function ensureNodeNative() {
  const broken = MODULES.filter((m) => {
    try {
      if (m === 'better-sqlite3') new (require(m))(':memory:').close();
      else require(m);
      return false;
    } catch (e) {
      if (/NODE_MODULE_VERSION|was compiled against a different|invalid ELF|cannot open shared object/.test(String(e?.message))) return true;
      throw e;
    }
  });
  if (broken.length) {
    console.log(`Rebuilding ${broken.join(', ')} for Node ${process.version} ...`);
    execSync(`npm rebuild ${broken.join(' ')}`, { stdio: 'inherit' });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureNodeNative();
