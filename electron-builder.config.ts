// Packaging for Linux (AppImage, deb), Windows (NSIS installer) and macOS (dmg): `npm run package`
// builds the bundles first, then the installers for the platform it runs on. The icons and the
// AppStream metadata are made from our sources just before packing (scripts/packaging-assets.ts).
import { resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { ASSETS_DIR, METAINFO_FILE, renderPackagingAssets } from './scripts/packaging-assets';
import { APP_ID, EXECUTABLE_NAME, PRODUCT_NAME } from './src/main/app/identity';

const config: Configuration = {
  appId: APP_ID,
  productName: PRODUCT_NAME,
  executableName: EXECUTABLE_NAME,
  copyright: 'Copyright © Revival Messenger contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  // Electron reads desktopName as the Wayland app_id / X11 WM_CLASS, which must match the .desktop file.
  extraMetadata: { main: 'out/main/index.js', desktopName: `${EXECUTABLE_NAME}.desktop` },
  files: ['out/**/*', `!${ASSETS_DIR}/**`, 'resources/**/*', '!resources/**/*.{sh,svg}', 'package.json'],
  // Tray and notification icons are handed to the OS by path, so they must be real files.
  asarUnpack: ['resources/**'],
  // keytar is a native module: rebuild it for Electron's ABI, not the Node that ran npm install.
  npmRebuild: true,
  // Runs before each platform's app is assembled, so every icon below exists by then; true lets
  // electron-builder go on to rebuild the native modules.
  beforeBuild: async () => {
    renderPackagingAssets(process.cwd());
    return true;
  },
  linux: {
    target: ['AppImage', 'deb'],
    // One PNG per size, installed into the hicolor icon theme.
    icon: `${ASSETS_DIR}/icons`,
    category: 'Network',
    synopsis: 'Classic MSN Messenger client for revival servers',
    description: 'A desktop messenger that speaks the MSN Messenger protocol (MSNP) to revival servers.',
    maintainer: 'Revival Messenger contributors',
    syncDesktopName: true,
    desktop: {
      entry: {
        Name: PRODUCT_NAME,
        GenericName: 'Instant Messenger',
        Comment: 'Chat with your contacts on MSN revival servers',
        Categories: 'Network;InstantMessaging;Chat;',
        Keywords: 'msn;messenger;chat;im;',
        StartupNotify: 'true',
      },
    },
  },
  deb: {
    packageName: EXECUTABLE_NAME,
    artifactName: `${EXECUTABLE_NAME}_\${version}_\${arch}.\${ext}`,
    // The saved-password keychain on Linux is the Secret Service, reached through libsecret.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
    ],
    recommends: ['gnome-keyring | kwalletmanager'],
    // The AppStream entry software centres list the app by (fpm's source=destination form).
    fpm: [`${resolve(ASSETS_DIR, METAINFO_FILE)}=/usr/share/metainfo/${METAINFO_FILE}`],
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.AppImage' },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: `${ASSETS_DIR}/icon.ico`,
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    // The Start-menu name; electron-builder gives the shortcut the appId as its AppUserModelID,
    // the id the app sets at start, so toasts carry the app's name and icon.
    shortcutName: PRODUCT_NAME,
    artifactName: '${productName}-Setup-${version}.${ext}',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    // The bundle id (CFBundleIdentifier) is the appId above.
    icon: `${ASSETS_DIR}/icon.icns`,
    category: 'public.app-category.social-networking',
    hardenedRuntime: true,
  },
  dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
};

export default config;
