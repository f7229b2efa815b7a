// Electron entry point: wires Electron to the Electron-free parts of the app. Keep it thin.
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';

function createContactListWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 320,
    height: 640,
    minWidth: 260,
    minHeight: 400,
    title: 'Revival Messenger',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  createContactListWindow();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
