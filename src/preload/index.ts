// Exposes the IPC contract as `window.msn` and nothing else. Payloads are validated in main;
// this file only forwards them, so the sandboxed preload stays free of the schema library.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/channels';
import type { EventName, MsnApi } from '../shared/ipc';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: MsnApi = {
  invoke: (channel, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, channel, input),
  on: (event, listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
  pathOf: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('msn', api);
