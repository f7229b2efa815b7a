// The page side of the bridge: gives the page a `window.msn` of exactly the preload's shape
// (`invoke` and `on`), carried over a same-origin WebSocket. Served as /bridge-client.js.

/** Runs in the page, so it may use nothing from this module: it is sent as source text. */
function installMsn(): void {
  type Listener = (payload: unknown) => void;
  type Reply = { ok: boolean; error?: { code: string; message: string } };
  const page = globalThis as unknown as { location: { host: string; protocol: string; hash: string } };
  const scheme = page.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${page.location.host}/ipc?route=${encodeURIComponent(page.location.hash)}`);
  const waiting = new Map<number, (reply: Reply) => void>();
  const listeners = new Map<string, Set<Listener>>();
  const outbox: string[] = [];
  let nextId = 1;
  let closed = false;

  socket.addEventListener('open', () => {
    for (const message of outbox.splice(0)) socket.send(message);
  });
  socket.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: Reply;
      event?: string;
      payload?: unknown;
    };
    if (typeof message.id === 'number' && message.result) {
      waiting.get(message.id)?.(message.result);
      waiting.delete(message.id);
    } else if (typeof message.event === 'string') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const resolve of waiting.values()) {
      resolve({ ok: false, error: { code: 'failed', message: 'The connection to the app was lost' } });
    }
    waiting.clear();
  });

  const api = {
    invoke: (channel: string, input: unknown): Promise<Reply> =>
      new Promise((resolve) => {
        if (closed) {
          resolve({ ok: false, error: { code: 'failed', message: 'The connection to the app was lost' } });
          return;
        }
        const id = nextId++;
        waiting.set(id, resolve);
        const message = JSON.stringify({ id, channel, payload: input });
        if (socket.readyState === WebSocket.OPEN) socket.send(message);
        else outbox.push(message);
      }),
    on: (event: string, listener: Listener): (() => void) => {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  // Like contextBridge.exposeInMainWorld: a read-only property holding a frozen object.
  Object.defineProperty(globalThis, 'msn', { value: Object.freeze(api), enumerable: true });
}

export const CLIENT_SCRIPT = `(${installMsn.toString()})();\n`;
