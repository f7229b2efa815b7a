// A throw-away certificate authority and a server certificate for 127.0.0.1 / localhost, made
// with the openssl command line so no key material is ever checked in.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificates {
  /** Absolute path of the CA certificate (PEM) that clients must trust. */
  readonly caPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

let shared: Promise<Certificates> | undefined;

/**
 * The certificates, made on first use and shared by every server of this process so that tests
 * start quickly. The files are deleted when the process exits.
 */
export async function certificates(): Promise<Certificates> {
  const pending = (shared ??= generate());
  try {
    return await pending;
  } catch (err) {
    shared = undefined;
    throw err;
  }
}

async function generate(): Promise<Certificates> {
  const dir = await mkdtemp(join(tmpdir(), 'msnp-server-'));
  const file = (name: string) => join(dir, name);
  try {
    // P-256 keys: generating them is instant, unlike RSA.
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=MSNP reference server test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      '/CN=localhost',
    ]);
    await writeFile(
      file('server.ext'),
      [
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-days',
      '30',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.pem'),
    ]);
    const [cert, key] = await Promise.all([readFile(file('server.pem')), readFile(file('server.key'))]);
    await rm(file('ca.key'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return { caPath: file('ca.pem'), cert, key };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not create TLS certificates with openssl: ${(err as Error).message}`, { cause: err });
  }
}
