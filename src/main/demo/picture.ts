// Demo Buddy's display picture, drawn here pixel by pixel and encoded as PNG: a round, smiling
// face on a blue sky, our own art like every picture the app ships.
import { crc32, deflateSync } from 'node:zlib';

const SIDE = 96;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels (SIDE × SIDE) as a PNG file. */
export function encodePng(pixels: Uint8Array, side = SIDE): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(side * (side * 4 + 1));
  for (let y = 0; y < side; y++) {
    rows[y * (side * 4 + 1)] = 0; // no filter
    Buffer.from(pixels.buffer, pixels.byteOffset + y * side * 4, side * 4).copy(rows, y * (side * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function demoBuddyPicture(): Buffer {
  const pixels = new Uint8Array(SIDE * SIDE * 4);
  const set = (x: number, y: number, [r, g, b]: readonly number[]): void => {
    const at = (y * SIDE + x) * 4;
    pixels[at] = r ?? 0;
    pixels[at + 1] = g ?? 0;
    pixels[at + 2] = b ?? 0;
    pixels[at + 3] = 255;
  };
  const inside = (x: number, y: number, cx: number, cy: number, rx: number, ry = rx): boolean =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      // Sky: light at the top, deeper blue below.
      const t = y / SIDE;
      let colour = [Math.round(190 - 80 * t), Math.round(225 - 70 * t), 255];
      if (inside(x, y, 48, 50, 34)) {
        // The face, lit from the top left.
        const light = Math.max(0, 1 - Math.hypot(x - 38, y - 38) / 50);
        colour = [255, Math.round(200 + 40 * light), Math.round(40 + 90 * light)];
      }
      if (!inside(x, y, 48, 50, 34) && inside(x, y, 48, 50, 35.5)) colour = [200, 140, 0];
      if (inside(x, y, 36, 42, 4, 6) || inside(x, y, 60, 42, 4, 6)) colour = [40, 40, 60];
      if (inside(x, y, 35, 40, 1.3) || inside(x, y, 59, 40, 1.3)) colour = [255, 255, 255];
      // The smile: a thick arc below the eyes.
      const smile = Math.hypot(x - 48, y - 52);
      if (y > 58 && smile > 17 && smile < 21) colour = [150, 60, 20];
      set(x, y, colour);
    }
  }
  return encodePng(pixels);
}
