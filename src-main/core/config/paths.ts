// Where data lives: one data dir holding the database, the seed's .models/, .cache/ and the vector
// index folder, logs/ and the settings store.
import os from 'node:os';
import path from 'node:path';

export interface DataPaths {
  dataDir: string;
  database: string;
  modelsDir: string;
  cacheDir: string;
  vectorDir: string;
  vectorIndex: string;
  logsDir: string;
  settingsFile: string;
  queuePersistPath: string;
}

export function defaultDataDir(): string {
  return path.join(os.homedir(), '.openfatture');
}

export function dataPaths(dataDir: string, queuePersistPath = '.cache/rag_update_queue.json'): DataPaths {
  const dir = path.resolve(dataDir || defaultDataDir());
  const vectorDir = path.join(dir, '.vectors');
  return {
    dataDir: dir,
    database: path.join(dir, 'openfatture.db'),
    modelsDir: path.join(dir, '.models'),
    cacheDir: path.join(dir, '.cache'),
    vectorDir,
    vectorIndex: path.join(vectorDir, 'index.hnsw'),
    logsDir: path.join(dir, 'logs'),
    settingsFile: path.join(dir, 'settings.json'),
    queuePersistPath: path.isAbsolute(queuePersistPath) ? queuePersistPath : path.join(dir, queuePersistPath),
  };
}
