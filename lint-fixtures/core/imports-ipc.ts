// Must fail lint: the core may not import a layer above it (here the IPC router).
import { createAppRouter } from '../../src-main/ipc/create-app-router';
export const router = createAppRouter;
