// Packaging for Linux (AppImage, deb), Windows (NSIS installer) and macOS (dmg): `npm run package`
// builds the bundles first, then the installers for the platform it runs on.
import type { Configuration } from 'electron-builder';
import { APP_ID, EXECUTABLE_NAME, PRODUCT_NAME } from './src/main/app/identity';

const config: Configuration = {
  appId: APP_ID,
  productName: PRODUCT_NAME,
  executableName: EXECUTABLE_NAME,
  copyright: 'Copyright © Revival Messenger contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  // Electron reads desktopName as the Wayland app_id / X11 WM_CLASS, which must match the .desktop file.
  extraMetadata: { main: 'out/main/index.js', desktopName: `${EXECUTABLE_NAME}.desktop` },
  files: ['out/**/*', 'resources/**/*', '!resources/**/*.{sh,svg}', 'package.json'],
  // Tray and notification icons are handed to the OS by path, so they must be real files.
  asarUnpack: ['resources/**'],
  // keytar is a native module: rebuild it for Electron's ABI, not the Node that ran npm install.
  npmRebuild: true,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
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
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.AppImage' },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icon-256.png',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: PRODUCT_NAME,
    artifactName: '${productName}-Setup-${version}.${ext}',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    icon: 'resources/icon.png',
    category: 'public.app-category.social-networking',
    hardenedRuntime: true,
  },
  dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
};

export default config;
