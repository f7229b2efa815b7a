// codec-parse: throughput of the engine's frame decoder on a session-shaped stream split at
// random chunk boundaries, against the floor no parser can beat: a bare scan for line ends.
import { FrameDecoder, encodeCommand, serverToClientPayload, buildMime } from '../src/main/msnp/codec';
import { bestOfInTurn, cpuMicros, report, rng } from './lib';

const TARGET_BYTES = 64 * 1024 * 1024;

function sessionStream(random: () => number): { chunks: Buffer[]; commands: number; bytes: number } {
  const parts: Buffer[] = [];
  let bytes = 0;
  let commands = 0;
  const msnObj = encodeURIComponent('<msnobj Creator="bob@example.com" Size="22731" Type="3" Location="TFRDDF.dat"/>');
  const statuses = ['NLN', 'BSY', 'AWY', 'BRB', 'PHN', 'LUN', 'IDL'];
  let i = 0;
  while (bytes < TARGET_BYTES) {
    const who = `contact${i % 600}@example.com`;
    const name = encodeURIComponent(`Contact ${i % 600} ☺ Ünïcödé`);
    const status = statuses[i % statuses.length] as string;
    let frame: Buffer;
    switch (i % 4) {
      case 0:
        frame = encodeCommand('ILN', [9, status, who, name, 1073741824, msnObj]);
        break;
      case 1:
        frame = encodeCommand('NLN', [status, who, name, 1073741824, msnObj]);
        break;
      case 2:
        frame = encodeCommand(
          'UBX',
          [who],
          `<Data><PSM>listening to número ${i} ♫</PSM><CurrentMedia></CurrentMedia></Data>`,
        );
        break;
      default:
        frame = encodeCommand(
          'MSG',
          [who, name],
          buildMime(
            [
              ['MIME-Version', '1.0'],
              ['Content-Type', 'text/plain; charset=UTF-8'],
              ['X-MMS-IM-Format', 'FN=Segoe%20UI; EF=B; CO=ff0000; CS=0; PF=22'],
            ],
            `Message ${i}: ${'lorem ipsum dolor sit amet — ünïcödé ✓ '.repeat(1 + (i % 8))}`,
          ),
        );
    }
    parts.push(frame);
    bytes += frame.length;
    commands++;
    i++;
  }
  // Re-split the stream at random boundaries, 1 byte to 16 KiB, as TCP would.
  const whole = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let off = 0; off < whole.length;) {
    const size = 1 + Math.floor(random() * random() * 16384);
    chunks.push(whole.subarray(off, off + size));
    off += size;
  }
  return { chunks, commands, bytes: whole.length };
}

/** Both timings are CPU seconds of this process, so other load on the machine does not count. */
function timeDecoder(chunks: readonly Buffer[], expected: number): number {
  const start = cpuMicros();
  const decoder = new FrameDecoder({ payloadRule: serverToClientPayload });
  let frames = 0;
  for (const chunk of chunks) {
    const result = decoder.push(chunk);
    if (result.error) throw result.error;
    frames += result.frames.length;
  }
  const seconds = (cpuMicros() - start) / 1e6;
  if (frames !== expected) throw new Error(`decoded ${frames} frames, expected ${expected}`);
  return seconds;
}

/** The floor: find every line end in every chunk, doing nothing else. */
function timeFloor(chunks: readonly Buffer[]): number {
  const start = cpuMicros();
  let found = 0;
  for (const chunk of chunks) {
    let at = chunk.indexOf('\r\n');
    while (at >= 0) {
      found++;
      at = chunk.indexOf('\r\n', at + 2);
    }
  }
  const seconds = (cpuMicros() - start) / 1e6;
  if (found === 0) throw new Error('no line ends found');
  return seconds;
}

export function main(): void {
  const { chunks, commands, bytes } = sessionStream(rng(1863));
  const mb = bytes / (1024 * 1024);
  const [parser, floor] = bestOfInTurn(
    10,
    () => timeDecoder(chunks, commands),
    () => timeFloor(chunks),
  );
  report({
    bench: 'codec-parse',
    value: mb / parser,
    unit: 'MB/s',
    baseline: mb / floor,
    notes: `${Math.round(commands / parser)} commands/s; ${mb.toFixed(1)} MB, ${commands} commands in ${chunks.length} chunks of 1 B to 16 KiB; per CPU-second, best of 10 in turn; target ratio >= 0.3`,
  });
}
