// The icons and AppStream metadata made at packaging time (scripts/packaging-assets.ts): every
// size each platform asks for, in containers its tools can read.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LINUX_ICON_SIZES,
  MAC_ICON_TYPES,
  WINDOWS_ICON_SIZES,
  renderPackagingAssets,
  type PackagingAssets,
} from '../../scripts/packaging-assets';
import { APP_ID, EXECUTABLE_NAME } from '../../src/main/app/identity';

const root = resolve(import.meta.dirname, '../..');
let out: string;
let made: PackagingAssets;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'packaging-assets-'));
  made = renderPackagingAssets(root, out, '2026-01-02');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('packaging assets', () => {
  it('renders one PNG per hicolor size for Linux', () => {
    const files = readdirSync(made.linuxIcons).sort();
    expect(files).toEqual(LINUX_ICON_SIZES.map((size) => `${size}x${size}.png`).sort());
    for (const size of LINUX_ICON_SIZES) {
      expect(pngSize(readFileSync(join(made.linuxIcons, `${size}x${size}.png`)))).toEqual([size, size]);
    }
  });

  it('renders the sizes apart, not one image scaled: small icons are not the large one', () => {
    const small = readFileSync(join(made.linuxIcons, '16x16.png'));
    const large = readFileSync(join(made.linuxIcons, '512x512.png'));
    expect(small.length).toBeLessThan(large.length);
  });

  it('packs every Windows size, 16 to 256 px, into the .ico', () => {
    const ico = readFileSync(made.windowsIcon);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, WINDOWS_ICON_SIZES.length]);
    WINDOWS_ICON_SIZES.forEach((size, i) => {
      const entry = 6 + 16 * i;
      const stored = ico.readUInt8(entry) === 0 ? 256 : ico.readUInt8(entry);
      expect(stored).toBe(size);
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(pngSize(ico.subarray(offset, offset + length))).toEqual([size, size]);
    });
  });

  it('packs every macOS size, 16 to 1024 px with the @2x entries, into the .icns', () => {
    const icns = readFileSync(made.macIcon);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const seen: [string, number][] = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const [width] = pngSize(icns.subarray(at + 8, at + length));
      seen.push([type, width]);
      at += length;
    }
    expect(seen).toEqual(MAC_ICON_TYPES.map(([type, size]) => [type, size]));
  });

  it('describes the app for software centres, with the version being packaged', () => {
    const xml = readFileSync(made.metainfo, 'utf8');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(xml).toContain(`<id>${APP_ID}</id>`);
    expect(xml).toContain(`<launchable type="desktop-id">${EXECUTABLE_NAME}.desktop</launchable>`);
    expect(xml).toContain(`<release version="${version}" date="2026-01-02"/>`);
    expect(xml).toContain('<metadata_license>CC0-1.0</metadata_license>');
    // Well-formed enough for a strict reader: every element closes, and no bare ampersand.
    const opened = [...xml.matchAll(/<([a-z_]+)[\s>]/g)].map((m) => m[1]);
    const closed = [...xml.matchAll(/<\/([a-z_]+)>/g)].map((m) => m[1]);
    const selfClosed = [...xml.matchAll(/<([a-z_]+)[^>]*\/>/g)].map((m) => m[1]);
    expect([...closed, ...selfClosed].sort()).toEqual(opened.sort());
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });
});
