// What the installers need besides the app, made at packaging time from our own sources so they
// never go stale: the icon at every size each platform asks for, rendered from resources/icon.svg
// (Linux: a PNG per size for the hicolor theme; Windows: one .ico; macOS: one .icns), and the
// AppStream metadata that Linux software centres read, with the version from package.json.
// electron-builder.config.ts runs this before it packs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { APP_ID, EXECUTABLE_NAME, PRODUCT_NAME } from '../src/main/app/identity';

export const ASSETS_DIR = 'out/packaging';
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
export const WINDOWS_ICON_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256] as const;
/** ICNS entry types for PNG data, by pixel size; the @2x types share the pixels of the size above. */
export const MAC_ICON_TYPES: readonly (readonly [string, number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];
export const METAINFO_FILE = `${APP_ID}.metainfo.xml`;

export interface PackagingAssets {
  /** A folder of `<size>x<size>.png` files, as electron-builder wants for Linux. */
  readonly linuxIcons: string;
  readonly windowsIcon: string;
  readonly macIcon: string;
  readonly metainfo: string;
}

export function renderPng(svg: string, size: number): Buffer {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng());
}

/** An .ico holding one PNG per size (Windows Vista and later read PNG entries). */
export function icoFile(pngs: readonly (readonly [number, Buffer])[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * pngs.length;
  for (const [size, png] of pngs) {
    const entry = Buffer.alloc(16);
    // 0 stands for 256.
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2);
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

/** An .icns: the 'icns' magic and total length, then typed, length-prefixed entries (big-endian). */
export function icnsFile(entries: readonly (readonly [string, Buffer])[]): Buffer {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const xml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function metainfo(version: string, date: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>${APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>${xml(PRODUCT_NAME)}</name>
  <summary>Chat with your contacts on MSN Messenger revival servers</summary>
  <description>
    <p>${xml(PRODUCT_NAME)} is a desktop messenger in the style of MSN Messenger 7.5 for the people who
    still use MSN revival servers. It signs in with the MSN Messenger protocol, keeps your contact
    list and presence, and chats with text, emoticons and nudges.</p>
  </description>
  <launchable type="desktop-id">${EXECUTABLE_NAME}.desktop</launchable>
  <categories>
    <category>Network</category>
    <category>InstantMessaging</category>
    <category>Chat</category>
  </categories>
  <keywords>
    <keyword>msn</keyword>
    <keyword>messenger</keyword>
    <keyword>chat</keyword>
  </keywords>
  <provides>
    <binary>${EXECUTABLE_NAME}</binary>
  </provides>
  <content_rating type="oars-1.1">
    <content_attribute id="social-chat">intense</content_attribute>
  </content_rating>
  <releases>
    <release version="${xml(version)}" date="${date}"/>
  </releases>
</component>
`;
}

/** Writes the assets into `dir` (default: out/packaging in the project). */
export function renderPackagingAssets(
  root: string,
  dir = join(root, ASSETS_DIR),
  date = new Date().toISOString().slice(0, 10),
): PackagingAssets {
  const svg = readFileSync(join(root, 'resources/icon.svg'), 'utf8');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const linuxIcons = join(dir, 'icons');
  mkdirSync(linuxIcons, { recursive: true });

  const cache = new Map<number, Buffer>();
  const png = (size: number): Buffer => {
    let rendered = cache.get(size);
    if (!rendered) {
      rendered = renderPng(svg, size);
      cache.set(size, rendered);
    }
    return rendered;
  };
  for (const size of LINUX_ICON_SIZES) writeFileSync(join(linuxIcons, `${size}x${size}.png`), png(size));
  const windowsIcon = join(dir, 'icon.ico');
  writeFileSync(windowsIcon, icoFile(WINDOWS_ICON_SIZES.map((size) => [size, png(size)] as const)));
  const macIcon = join(dir, 'icon.icns');
  writeFileSync(macIcon, icnsFile(MAC_ICON_TYPES.map(([type, size]) => [type, png(size)] as const)));
  const metainfoPath = join(dir, METAINFO_FILE);
  writeFileSync(metainfoPath, metainfo(version, date));
  return { linuxIcons, windowsIcon, macIcon, metainfo: metainfoPath };
}
