// The app's windows in Electron: one contact-list window, one window per conversation. Placement,
// routing and every security decision come from the Electron-free modules in ../app.
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { BrowserWindow, app, dialog, screen, shell, type WebContents, type WebPreferences } from 'electron';
import type { WindowHost } from '../app/host';
import {
  APP_ORIGIN,
  UserGestureGate,
  allowNavigation,
  isActivationInput,
  isTrustedSender,
  isExternalLink,
} from '../app/security';
import { routeHash, windowStateKey, type WindowRoute, type WindowStateKey } from '../app/routes';
import type { SettingsStore } from '../app/settings';
import { placeWindow, type Rect, type WindowSizeLimits } from '../app/window-bounds';
import { PRODUCT_NAME } from '../app/identity';

const SIZES: Readonly<Record<WindowStateKey, WindowSizeLimits>> = {
  contactList: { width: 320, height: 640, minWidth: 260, minHeight: 400 },
  conversation: { width: 520, height: 440, minWidth: 360, minHeight: 300 },
  options: { width: 440, height: 520, minWidth: 360, minHeight: 400 },
  history: { width: 720, height: 520, minWidth: 480, minHeight: 360 },
  inspector: { width: 760, height: 520, minWidth: 480, minHeight: 300 },
};

export interface ElectronWindowsOptions {
  readonly settings: SettingsStore;
  readonly iconPath: string;
  /** The dev server in `electron-vite dev`; the packaged app uses the app protocol. */
  readonly devServerUrl: string | undefined;
  /** Called when the contact-list window is asked to close; 'hide' keeps the app in the tray. */
  readonly onContactListClose: () => 'hide' | 'close';
  /** A conversation window went away: the user closed it. */
  readonly onConversationClosed: (conversationId: string) => void;
  /** The inspector window went away: stop recording for it. */
  readonly onInspectorClosed?: (senderId: string) => void;
  readonly now?: () => number;
}

export class ElectronWindows implements WindowHost {
  private contactList: BrowserWindow | undefined;
  private readonly conversations = new Map<string, BrowserWindow>();
  private history: BrowserWindow | undefined;
  private inspector: BrowserWindow | undefined;
  /** The webContents ids of our windows, for the IPC sender check. */
  private readonly senders = new Set<number>();
  private readonly gestures: UserGestureGate;
  /** What each window was created with: Electron no longer reports it back. For the end-to-end tests. */
  private readonly preferences = new Map<number, WebPreferences>();

  constructor(private readonly options: ElectronWindowsOptions) {
    this.gestures = new UserGestureGate(options.now ?? Date.now);
  }

  /** The sender id of an IPC call from one of our windows' top frames, or undefined for anyone else. */
  senderIdOf(sender: WebContents, frameUrl: string | undefined, mainFrame: boolean): string | undefined {
    const ourWindow = this.senders.has(sender.id);
    return isTrustedSender({ ourWindow, mainFrame, frameUrl, devServerUrl: this.options.devServerUrl })
      ? String(sender.id)
      : undefined;
  }

  /** Every window's contents, for broadcasting events. */
  allContents(): WebContents[] {
    return BrowserWindow.getAllWindows()
      .filter((w) => !w.isDestroyed() && this.senders.has(w.webContents.id))
      .map((w) => w.webContents);
  }

  webPreferencesOf(contents: WebContents): WebPreferences | undefined {
    return this.preferences.get(contents.id);
  }

  contactListContents(): WebContents | undefined {
    return this.contactList?.isDestroyed() === false ? this.contactList.webContents : undefined;
  }

  createContactList(show: boolean): void {
    if (this.contactList && !this.contactList.isDestroyed()) return;
    const win = this.create({ kind: 'contact-list' }, show, []);
    win.on('close', (event) => {
      if (this.options.onContactListClose() === 'hide') {
        event.preventDefault();
        win.hide();
      }
    });
    win.on('closed', () => {
      this.contactList = undefined;
    });
    this.contactList = win;
  }

  showContactList(): void {
    if (!this.contactList || this.contactList.isDestroyed()) this.createContactList(true);
    const win = this.contactList;
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  hideContactList(): void {
    this.contactList?.hide();
  }

  contactListState(): { visible: boolean; minimized: boolean } {
    const win = this.contactList;
    if (!win || win.isDestroyed()) return { visible: false, minimized: false };
    return { visible: win.isVisible(), minimized: win.isMinimized() };
  }

  openConversation(conversationId: string, { activate }: { readonly activate: boolean }): void {
    let win = this.conversations.get(conversationId);
    if (!win || win.isDestroyed()) {
      const occupied = [...this.conversations.values()].filter((w) => !w.isDestroyed()).map((w) => w.getBounds());
      win = this.create({ kind: 'conversation', conversationId }, activate, occupied);
      const created = win;
      this.conversations.set(conversationId, created);
      created.on('closed', () => {
        if (this.conversations.get(conversationId) === created) this.conversations.delete(conversationId);
        this.options.onConversationClosed(conversationId);
      });
      // Opened for an incoming message: appear without taking focus, and ask for attention.
      if (!activate)
        created.once('ready-to-show', () => {
          created.showInactive();
          created.flashFrame(true);
        });
      return;
    }
    if (activate) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    } else if (!win.isVisible()) {
      win.showInactive();
    }
  }

  conversationWindowState(conversationId: string): 'none' | 'background' | 'focused' {
    const win = this.conversations.get(conversationId);
    if (!win || win.isDestroyed()) return 'none';
    return win.isFocused() && win.isVisible() && !win.isMinimized() ? 'focused' : 'background';
  }

  flashConversation(conversationId: string): void {
    const win = this.conversations.get(conversationId);
    // A window still loading flashes once it shows (see openConversation).
    if (!win || win.isDestroyed() || win.isFocused() || !win.isVisible()) return;
    win.flashFrame(true);
    if (process.platform === 'darwin') app.dock?.bounce('informational');
  }

  openInspector(): void {
    if (!this.inspector || this.inspector.isDestroyed()) {
      const win = this.create({ kind: 'inspector' }, true, []);
      const senderId = String(win.webContents.id);
      win.on('closed', () => {
        if (this.inspector === win) this.inspector = undefined;
        this.options.onInspectorClosed?.(senderId);
      });
      this.inspector = win;
      return;
    }
    if (this.inspector.isMinimized()) this.inspector.restore();
    this.inspector.show();
    this.inspector.focus();
  }

  async saveText(name: string, text: string, senderId: string): Promise<boolean> {
    const owner = BrowserWindow.getAllWindows().find((w) => String(w.webContents.id) === senderId);
    const options = { defaultPath: name, filters: [{ name: 'Text', extensions: ['txt'] }] };
    const { canceled, filePath } = owner
      ? await dialog.showSaveDialog(owner, options)
      : await dialog.showSaveDialog(options);
    if (canceled || !filePath) return false;
    await writeFile(filePath, text, 'utf8');
    return true;
  }

  async openExternal(url: string, senderId: string): Promise<boolean> {
    if (!isExternalLink(url) || !this.gestures.allow(senderId)) return false;
    await shell.openExternal(url);
    return true;
  }

  openHistory(contact: string | undefined): void {
    const open = this.history;
    if (open && !open.isDestroyed()) {
      // Already open: go to the contact asked for.
      if (contact !== undefined)
        void open.loadURL(open.webContents.getURL().replace(/#.*$/, routeHash({ kind: 'history', contact })));
      if (open.isMinimized()) open.restore();
      open.show();
      open.focus();
      return;
    }
    const win = this.create({ kind: 'history', ...(contact === undefined ? {} : { contact }) }, true, []);
    win.on('closed', () => {
      if (this.history === win) this.history = undefined;
    });
    this.history = win;
  }

  async chooseFolder(senderId: string, title: string): Promise<string | undefined> {
    const options = { title, properties: ['openDirectory' as const] };
    const parent = this.windowOf(senderId);
    const result = await (parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options));
    return result.canceled ? undefined : result.filePaths[0];
  }

  async chooseSaveFile(senderId: string, title: string, defaultName: string): Promise<string | undefined> {
    const options = { title, defaultPath: join(app.getPath('documents'), defaultName) };
    const parent = this.windowOf(senderId);
    const result = await (parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options));
    return result.canceled ? undefined : result.filePath;
  }

  /** The window that asked, so a dialog is modal to it (the contact list for the shell). */
  private windowOf(senderId: string): BrowserWindow | undefined {
    const win = BrowserWindow.getAllWindows().find((w) => !w.isDestroyed() && String(w.webContents.id) === senderId);
    return win ?? (this.contactList?.isDestroyed() === false ? this.contactList : undefined);
  }

  private create(route: WindowRoute, show: boolean, occupied: readonly Rect[]): BrowserWindow {
    const key = windowStateKey(route);
    const limits = SIZES[key];
    const workAreas = screen.getAllDisplays().map((d) => d.workArea);
    const place = placeWindow(this.options.settings.windowState(key), limits, workAreas, occupied);
    const webPreferences: WebPreferences = {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Alert sounds play in the contact-list window, often while it is hidden in the tray.
      autoplayPolicy: 'no-user-gesture-required',
      spellcheck: true,
    };
    const win = new BrowserWindow({
      ...(place.x === undefined || place.y === undefined ? { center: true } : { x: place.x, y: place.y }),
      width: place.width,
      height: place.height,
      minWidth: limits.minWidth,
      minHeight: limits.minHeight,
      title: PRODUCT_NAME,
      icon: this.options.iconPath,
      show: false,
      autoHideMenuBar: true,
      webPreferences,
    });
    if (place.maximized) win.maximize();
    const contents = win.webContents;
    const senderId = contents.id;
    this.senders.add(senderId);
    this.preferences.set(senderId, webPreferences);
    this.guard(contents);
    win.on('closed', () => {
      this.senders.delete(senderId);
      this.preferences.delete(senderId);
      this.gestures.forget(String(senderId));
    });
    win.on('focus', () => win.flashFrame(false));
    if (show) win.once('ready-to-show', () => win.show());
    this.rememberBounds(win, key);

    const hash = routeHash(route);
    const devUrl = this.options.devServerUrl;
    void win.loadURL(devUrl ? `${devUrl}${hash}` : `${APP_ORIGIN}/index.html${hash}`);
    return win;
  }

  /** Navigation, new windows, permissions and webviews: all refused; http(s) links leave for the browser after a click. */
  private guard(contents: WebContents): void {
    const senderId = String(contents.id);
    contents.on('input-event', (_event, input) => {
      const keyCode = 'keyCode' in input && typeof input.keyCode === 'string' ? input.keyCode : undefined;
      if (isActivationInput(input.type, keyCode)) this.gestures.gesture(senderId);
    });
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(contents.getURL(), url)) {
        event.preventDefault();
        void this.openExternal(url, senderId);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(contents.getURL(), url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      void this.openExternal(url, senderId);
      return { action: 'deny' };
    });
  }

  /** Saves size and position when the user stops moving or resizing, and on close. */
  private rememberBounds(win: BrowserWindow, key: WindowStateKey): void {
    const save = (): void => {
      if (win.isDestroyed() || win.isMinimized()) return;
      const maximized = win.isMaximized() || win.isFullScreen();
      const bounds = maximized ? win.getNormalBounds() : win.getBounds();
      this.options.settings.setWindowState(key, { ...bounds, maximized });
    };
    let timer: NodeJS.Timeout | undefined;
    const later = (): void => {
      clearTimeout(timer);
      timer = setTimeout(save, 500);
    };
    win.on('resize', later);
    win.on('move', later);
    win.on('close', () => {
      clearTimeout(timer);
      save();
    });
  }
}
