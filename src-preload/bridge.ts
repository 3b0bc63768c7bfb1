// The preload (bundled to dist-electron/preload.cjs, runs sandboxed): exposes ONE object,
// `window.openfatture`, built from the contract — invoke for the request channels, on for the pushes.
// The renderer never sees ipcRenderer; unknown channel or event names are refused here already.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type OpenFattureBridge } from './contract/bridge-api';
import { isChannel } from './contract/channels';
import { EVENT_NAMES, type EventName } from './contract/push-events';
import { fail } from './contract/result';

const eventNames = new Set<string>(EVENT_NAMES);

const bridge: OpenFattureBridge = {
  host: 'electron',
  invoke: (channel, args) => {
    if (!isChannel(channel)) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel: unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(IPC_INVOKE, channel, args);
  },
  on: (event, cb) => {
    if (!eventNames.has(event)) throw new Error(`event: unknown event ${String(event)}`);
    const listener = (_e: IpcRendererEvent, name: EventName, payload: unknown) => {
      if (name === event) cb(payload as never);
    };
    ipcRenderer.on(IPC_EVENT, listener);
    return () => void ipcRenderer.removeListener(IPC_EVENT, listener);
  },
};

contextBridge.exposeInMainWorld('openfatture', bridge);
