// The browser harness's stand-in for Electron: serves the built renderer over HTTP and carries the
// IPC contract over a WebSocket to a real app core (engine and services, no mocks), the same
// `dispatch` / `onEvent` that ipcMain and webContents.send carry in the app. One bridge = one
// running app = one user; every page opened on it is one of that app's windows.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createEmitter, type EventName } from '../../../src/shared/ipc';
import type { ServerPreset } from '../../../src/shared/schemas';
import type { SoundName, Toast } from '../../../src/main/app/alerts';
import { createAppCore, type AppCore } from '../../../src/main/app/core';
import type { CredentialStore } from '../../../src/main/app/credentials';
import type { WindowHost } from '../../../src/main/app/host';
import { parseRouteHash, type WindowRoute } from '../../../src/main/app/routes';
import { APP_ORIGIN, appResponseHeaders, resolveAppRequest } from '../../../src/main/app/security';
import type { EngineOptions } from '../../../src/main/app/session';
import { RecordingFiles } from '../../support/files';
import { createSettingsStore } from '../../../src/main/app/settings';
import { CLIENT_SCRIPT } from './client';

export const RENDERER_DIR = join(import.meta.dirname, '../../../out/renderer');

/** Passwords kept in memory: the harness has no keychain, and nothing outlives the test. */
export function memoryCredentials(): CredentialStore {
  const saved = new Map<string, string>();
  const key = (email: string): string => email.trim().toLowerCase();
  return {
    get: async (email) => saved.get(key(email)),
    save: async (email, password) => {
      saved.set(key(email), password);
      return { saved: true };
    },
    delete: async (email) => {
      saved.delete(key(email));
    },
    unavailableReason: () => undefined,
  };
}

/** What the app asked of its windows, for the test to act on (it opens the pages). */
export class BridgeWindows implements WindowHost {
  readonly conversationRequests: { conversationId: string; activate: boolean }[] = [];
  readonly flashed: string[] = [];
  readonly externalLinks: string[] = [];
  /** Message History windows asked for, with the contact each was to show. */
  readonly historyRequests: (string | undefined)[] = [];
  /** What the folder and save dialogs answer (undefined: the user cancelled). */
  folderToChoose: string | undefined;
  saveAs: string | undefined;
  /** Files the app asked to save, as they would have been written. */
  readonly savedFiles: { name: string; text: string }[] = [];
  inspectorRequests = 0;
  contactListShown = 0;
  private readonly waiters: ((conversationId: string) => void)[] = [];
  private consumed = 0;

  constructor(private readonly openRoutes: () => WindowRoute[]) {}

  showContactList(): void {
    this.contactListShown += 1;
  }

  openConversation(conversationId: string, options: { readonly activate: boolean }): void {
    if (this.conversationWindowState(conversationId) !== 'none') return;
    this.conversationRequests.push({ conversationId, activate: options.activate });
    this.waiters.shift()?.(this.take());
  }

  conversationWindowState(conversationId: string): 'none' | 'background' | 'focused' {
    return this.openRoutes().some((r) => r.kind === 'conversation' && r.conversationId === conversationId)
      ? 'background'
      : 'none';
  }

  flashConversation(conversationId: string): void {
    this.flashed.push(conversationId);
  }

  /** Links are recorded instead of opened: there is no system browser here. */
  async openExternal(url: string): Promise<boolean> {
    this.externalLinks.push(url);
    return true;
  }

  openHistory(contact: string | undefined): void {
    this.historyRequests.push(contact);
  }

  async chooseFolder(): Promise<string | undefined> {
    return this.folderToChoose;
  }

  async chooseSaveFile(): Promise<string | undefined> {
    return this.saveAs;
  }

  openInspector(): void {
    this.inspectorRequests += 1;
  }

  /** Keeps what would be saved instead of asking where: there is no file dialog here. */
  async saveText(name: string, text: string): Promise<boolean> {
    this.savedFiles.push({ name, text });
    return true;
  }

  /** The next conversation window the app asked for (waits for it if none is pending). */
  nextConversation(): Promise<string> {
    if (this.consumed < this.conversationRequests.length) return Promise.resolve(this.take());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private take(): string {
    const request = this.conversationRequests[this.consumed];
    this.consumed += 1;
    if (!request) throw new Error('no pending conversation window');
    return request.conversationId;
  }
}

export interface BridgeOptions {
  presets: readonly ServerPreset[];
  engine?: EngineOptions;
  rendererDir?: string;
}

export interface Bridge {
  /** The contact-list window's address; conversation windows are `${url}#/conversation/<id>`. */
  readonly url: string;
  readonly core: AppCore;
  readonly windows: BridgeWindows;
  readonly sounds: SoundName[];
  readonly toasts: Toast[];
  readonly files: RecordingFiles;
  /** Where the page fetches what a window asks of msn-picture:// (the harness routes it here). */
  pictureUrl(pictureUrl: string): string;
  conversationUrl(conversationId: string): string;
  historyUrl(contact?: string): string;
  close(): Promise<void>;
}

interface Page {
  readonly socket: WebSocket;
  readonly route: WindowRoute;
  readonly senderId: string;
}

function pageRoute(request: IncomingMessage): WindowRoute | undefined {
  const url = new URL(request.url ?? '/', 'http://bridge');
  return url.pathname === '/ipc' ? parseRouteHash(url.searchParams.get('route') ?? '') : undefined;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const rendererDir = options.rendererDir ?? RENDERER_DIR;
  const index = await readFile(join(rendererDir, 'index.html'), 'utf8');
  // The client must define window.msn before the app's module script runs.
  const page = index.replace('<head>', '<head>\n    <script src="./bridge-client.js"></script>');
  if (page === index) throw new Error('out/renderer/index.html has no <head>');

  const pages = new Set<Page>();
  const sounds: SoundName[] = [];
  const toasts: Toast[] = [];
  const windows = new BridgeWindows(() => [...pages].map((p) => p.route));
  const send = (socket: WebSocket, message: unknown): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  const dataDir = mkdtempSync(join(tmpdir(), 'revival-bridge-'));
  const files = new RecordingFiles(join(dataDir, 'Downloads'));
  mkdirSync(files.downloads);
  const historyDir = await mkdtemp(join(tmpdir(), 'bridge-history-'));
  const core = createAppCore({
    settings: createSettingsStore({ store: {} }),
    historyDir,
    credentials: memoryCredentials(),
    windows,
    dataDir,
    files,
    presets: options.presets,
    notifier: { show: (toast) => toasts.push(toast) },
    sounds: {
      // As in the app: sounds go to the contact-list window only.
      play: (sound) => {
        sounds.push(sound);
        for (const p of pages) {
          if (p.route.kind !== 'contact-list') continue;
          createEmitter((event, payload) => send(p.socket, { event, payload }))('sound:play', { sound });
        }
      },
    },
    ...(options.engine === undefined ? {} : { engine: options.engine }),
  });
  const stopEvents = core.onEvent((event: EventName, payload: unknown) => {
    for (const p of pages) send(p.socket, { event, payload });
  });

  const http = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://bridge').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    // msn-picture://<id> as the harness forwards it: answered by the app's own scheme handler.
    const picture = /^\/msn-picture\/([^/]*)$/.exec(path);
    if (picture) {
      void core
        .servePicture('GET', `msn-picture://${picture[1] ?? ''}`)
        .then((answer) => response.writeHead(answer.status, answer.headers).end(answer.body));
      return;
    }
    if (path === '/bridge-client.js') {
      response.writeHead(200, appResponseHeaders('text/javascript; charset=utf-8')).end(CLIENT_SCRIPT);
      return;
    }
    const file = resolveAppRequest(`${APP_ORIGIN}${path}`, rendererDir);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    if (file.path === join(rendererDir, 'index.html')) {
      response.writeHead(200, appResponseHeaders(file.mime)).end(page);
      return;
    }
    readFile(file.path).then(
      (body) => response.writeHead(200, appResponseHeaders(file.mime)).end(body),
      () => response.writeHead(404).end(),
    );
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  let nextPage = 0;
  http.on('upgrade', (request, socket, head) => {
    const route = pageRoute(request);
    // Only this bridge's own pages may talk to the app, as main accepts only its own windows.
    const origin = request.headers.origin;
    if (!route || origin !== `http://${request.headers.host ?? ''}`) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      nextPage += 1;
      const entry: Page = { socket: ws, route, senderId: `page-${nextPage}` };
      pages.add(entry);
      ws.on('close', () => {
        pages.delete(entry);
        // As the Electron glue does when the inspector window closes.
        if (route.kind === 'inspector') void core.dispatch('inspector:unwatch', {}, { senderId: entry.senderId });
      });
      ws.on('message', (data) => {
        let message: { id?: unknown; channel?: unknown; payload?: unknown };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          ws.close(1003, 'not JSON');
          return;
        }
        const { id } = message;
        if (typeof id !== 'number') return;
        void core.dispatch(message.channel, message.payload, { senderId: entry.senderId }).then((result) => {
          send(ws, { id, result });
        });
      });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    core,
    windows,
    sounds,
    toasts,
    files,
    pictureUrl: (pictureUrl) => `${url}msn-picture/${new URL(pictureUrl).hostname}`,
    conversationUrl: (conversationId) => `${url}#/conversation/${encodeURIComponent(conversationId)}`,
    historyUrl: (contact) => `${url}#/history${contact === undefined ? '' : `/${encodeURIComponent(contact)}`}`,
    close: async () => {
      await core.shutdown().catch(() => undefined);
      stopEvents();
      for (const p of pages) p.socket.terminate();
      sockets.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(dataDir, { recursive: true, force: true });
      await rm(historyDir, { recursive: true, force: true });
    },
  };
}
