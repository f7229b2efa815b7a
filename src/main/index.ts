// Electron entry point: wires Electron to the Electron-free services (src/main/app). Keep it thin:
// every decision made here is a call into a tested function or service.
import { join } from 'node:path';
import { app, ipcMain, session } from 'electron';
import Store from 'electron-store';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, createEmitter, type EventName, type IpcResult } from '../shared/ipc';
import { createAppCore } from './app/core';
import { createKeytarCredentialStore } from './app/credentials';
import { APP_ID, PRODUCT_NAME, USER_DATA_ENV } from './app/identity';
import { presetsFromEnvironment } from './app/presets';
import { INITIAL_SHELL_STATE, reduceShellState, type ShellState } from './app/shell-state';
import { createSettingsStore } from './app/settings';
import { contactListCloseAction, trayClick, trayEffect, type TrayAction } from './app/tray';
import { IdleWatcher } from './electron/auto-away';
import { SMOKE_EXIT, SMOKE_TEST_TIMEOUT_MS, TEST_HOOKS_GLOBAL, launchOptions, versionLine } from './electron/launch';
import { ElectronNotifier } from './electron/notifier';
import { ElectronFiles } from './electron/files';
import { registerAppScheme, servePictures, serveRenderer } from './electron/protocol';
import { watchSmokeTest } from './electron/smoke';
import { ElectronTray } from './electron/tray';
import { ElectronWindows } from './electron/windows';
import type { Preferences } from '../shared/schemas';

/** Commands the shell itself issues (tray, idle, window closing) carry this sender id. */
const SHELL = { senderId: 'shell' } as const;

/** Tray and notification icons must be real files: outside the asar archive once packaged. */
function resourcesDir(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'app.asar.unpacked', 'resources')
    : join(app.getAppPath(), 'resources');
}

const launch = launchOptions(process.argv, process.env);
if (launch.printVersion) {
  // Exit once it is written; a GUI program's stdout may lead nowhere (Windows without a
  // console), and then the write never completes: exit anyway.
  process.stdout.write(versionLine(PRODUCT_NAME, app.getVersion()), () => app.exit(0));
  setTimeout(() => app.exit(0), 1_000);
} else {
  registerAppScheme();
  // Toasts and the taskbar group by this id; the installer's Start-menu shortcut carries the same.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // Before the single-instance lock, which is per profile: the demo's and the tests' copies run
  // beside the real one.
  const userData = process.env[USER_DATA_ENV];
  if (userData) app.setPath('userData', userData);

  if (!app.requestSingleInstanceLock()) {
    // Another copy is running: it gets the 'second-instance' event and shows itself. A smoke
    // test that only reached the running copy has not tested anything.
    if (launch.smokeTest) {
      console.error('Smoke test failed: another copy of the app is running with this profile');
      app.exit(SMOKE_EXIT.alreadyRunning);
    } else app.quit();
  } else {
    void app.whenReady().then(start);
  }
}

async function start(): Promise<void> {
  serveRenderer(join(import.meta.dirname, '../renderer'));
  // The pages need no camera, microphone, geolocation or notifications of their own.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const resources = resourcesDir();
  const iconPath = join(resources, 'icon.png');
  const settings = createSettingsStore(new Store({ name: 'settings' }));
  let shell: ShellState = INITIAL_SHELL_STATE;
  let quitting = false;
  const windows = new ElectronWindows({
    settings,
    iconPath,
    devServerUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
    onContactListClose: () => contactListCloseAction(shell.phase, quitting),
    onConversationClosed: (conversationId) => void dispatch('conversation:close', { conversationId }),
    onInspectorClosed: (senderId) => void core.dispatch('inspector:unwatch', {}, { senderId }),
  });

  const core = createAppCore({
    settings,
    credentials: createKeytarCredentialStore(APP_ID),
    windows,
    dataDir: app.getPath('userData'),
    files: new ElectronFiles(() => settings.preferences().transfers.folder),
    notifier: new ElectronNotifier(iconPath),
    sounds: {
      // Sounds play in the contact-list window, which lives as long as the app (hidden in the tray).
      play: (sound) => {
        const contents = windows.contactListContents();
        if (contents)
          createEmitter((name, payload) => contents.send(IPC_EVENT_CHANNEL, name, payload))('sound:play', { sound });
      },
    },
    presets: presetsFromEnvironment(process.env),
    historyDir: join(app.getPath('userData'), 'history'),
    // "Use the system's proxy": Chromium's own resolution (settings, PAC, WPAD).
    resolveSystemProxy: (url) => session.defaultSession.resolveProxy(url),
  });
  servePictures((method, url) => core.servePicture(method, url));
  const dispatch = (channel: string, payload: unknown): Promise<IpcResult<unknown>> =>
    core.dispatch(channel, payload, SHELL);

  const tray = new ElectronTray(
    resources,
    (action: TrayAction) => {
      const effect = trayEffect(action);
      if (effect.kind === 'command') void dispatch(effect.channel, effect.payload);
      else if (effect.kind === 'show-contact-list') windows.showContactList();
      else app.quit();
    },
    () => (trayClick(windows.contactListState()) === 'hide' ? windows.hideContactList() : windows.showContactList()),
  );
  tray.render(shell);

  const preferences = (await core.dispatch('settings:get', {}, SHELL)) as IpcResult<Preferences>;
  const prefs = preferences.ok ? preferences.value : undefined;
  const idle = new IdleWatcher(prefs?.autoAwayMinutes ?? 0, (decision) => {
    if (decision) void dispatch('presence:set-status', { status: decision.setStatus });
  });

  core.onEvent((name: EventName, payload: unknown) => {
    for (const contents of windows.allContents()) contents.send(IPC_EVENT_CHANNEL, name, payload);
    const next = reduceShellState(shell, name, payload);
    if (next !== shell) {
      shell = next;
      tray.render(shell);
      idle.statusChanged(shell.phase === 'online' ? shell.status : undefined);
    }
    if (name === 'settings:changed') idle.setMinutes((payload as Preferences).autoAwayMinutes);
  });

  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    const senderId = windows.senderIdOf(event.sender, frame?.url, frame !== null && frame === event.sender.mainFrame);
    if (senderId === undefined) {
      return {
        ok: false,
        error: { code: 'forbidden', message: 'Not one of this app’s windows' },
      } satisfies IpcResult<never>;
    }
    return core.dispatch(channel, payload, { senderId });
  });

  app.on('second-instance', () => windows.showContactList());
  // macOS: clicking the dock icon.
  app.on('activate', () => windows.showContactList());
  app.on('before-quit', () => {
    quitting = true;
  });
  // While signed in the app lives on in the tray with no window open.
  app.on('window-all-closed', () => {
    if (shell.phase === 'signed-out') app.quit();
  });
  let shutDown = false;
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    idle.dispose();
    void core
      .shutdown()
      .catch(() => undefined)
      .finally(() => {
        shutDown = true;
        tray.destroy();
        app.quit();
      });
  });

  if (launch.testHooks) {
    Object.assign(globalThis, {
      [TEST_HOOKS_GLOBAL]: {
        tray: () => tray.snapshot(),
        chooseInTray: (label: string) => tray.choose(label),
        webPreferences: () => windows.allContents().map((contents) => windows.webPreferencesOf(contents)),
      },
    });
  }

  windows.createContactList(!(prefs?.startMinimized ?? false));
  const contactList = windows.contactListContents();
  if (launch.smokeTest && contactList) {
    watchSmokeTest(contactList, SMOKE_TEST_TIMEOUT_MS, {
      pass: () => {
        console.log('Smoke test passed: the contact list loaded');
        app.quit();
      },
      fail: (reason, exitCode) => {
        console.error(`Smoke test failed: ${reason}`);
        app.exit(exitCode);
      },
    });
  }
  await core.start();
}
