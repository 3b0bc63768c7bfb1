// The worker process's one pool of forest-training threads (one per core, started on the first
// training and kept for the next). Every cash-flow training in this process grows its trees here.
import { TreePool } from '../core/ml/forest/tree-pool';

let pool: TreePool | null = null;

export function forestPool(): TreePool {
  pool ??= new TreePool();
  return pool;
}
