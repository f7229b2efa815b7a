// RFC-822-style switchboard payloads: header lines, a blank line, the body.

export interface Mime {
  /** Lower-cased names; the first occurrence wins. */
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

export function splitMime(payload: Buffer): Mime {
  const headers = new Map<string, string>();
  const end = payload.indexOf('\r\n\r\n');
  const head = payload.toString('utf8', 0, end < 0 ? payload.length : end);
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: end < 0 ? Buffer.alloc(0) : payload.subarray(end + 4) };
}

/** The media type without parameters, lower-cased. */
export function contentType(m: Mime): string {
  return (m.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function textMessage(text: string): Buffer {
  return Buffer.from(
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\n${text}`,
    'utf8',
  );
}
