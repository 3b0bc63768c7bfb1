// Must fail lint: the core may not import electron.
import { app } from 'electron';
export const name = app.getName();
