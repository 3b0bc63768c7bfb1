// Must fail lint: the renderer imports no node module.
import Database from 'better-sqlite3';
export const open = Database;
