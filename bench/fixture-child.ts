// Child side of the fixture (see fixture.ts): the reference server plus the engine clients of
// every account except the one being measured.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { MessengerClient } from '../src/main/msnp/client';
import { encodeCommand, FrameDecoder, serverToClientPayload } from '../src/main/msnp/codec';
import { DEFAULT_FORMAT } from '../src/main/msnp/format';
import { P2PManager, P2P_CLIENT_ID } from '../src/main/msnp/p2p/manager';
import { buildMsnObject, MsnObjectType } from '../src/main/msnp/p2p/msnobj';
import type { SettableStatus } from '../src/shared/schemas';
import { startServer, type RunningServer } from '../test/server/index';
import { clientOptions, type FixtureReply, type FixtureRequest, type FixtureResults } from './fixture';
import { rng, sleep } from './lib';

const STATUSES: readonly SettableStatus[] = ['NLN', 'BSY', 'AWY', 'BRB', 'PHN', 'LUN', 'IDL'];
/** Concurrent sign-ins: enough to be quick, few enough for no Passport request to time out. */
const SIGN_IN_BATCH = 20;
/** Messages a peer has in flight at once, so no connection's queue grows without bound. */
const CHAT_WINDOW = 100;
const PRESENCE = new Set(['NLN', 'UBX', 'FLN']);

let server: RunningServer | undefined;
const clients: MessengerClient[] = [];
const random = rng(600);
/** The relayed client's side of the relay, and what the server sent it while recording. */
const relayed: { client?: Socket; recording?: Buffer[]; recorded: Buffer[] } = { recorded: [] };

function running(): RunningServer {
  if (!server) throw new Error('the server is not started');
  return server;
}

/** A client that advertises and serves a picture of `size` bytes, different for every account. */
function withPicture(email: string, size: number): MessengerClient {
  const data = Buffer.alloc(size, email);
  const object = buildMsnObject({ creator: email, data, type: MsnObjectType.PICTURE });
  const client = new MessengerClient(
    clientOptions(running(), email, { clientId: P2P_CLIENT_ID, msnObject: object.xml }),
  );
  new P2PManager(client.conversations, { email, objects: { get: (d) => (d === object.sha1d ? data : undefined) } });
  return client;
}

async function signIn(emails: readonly string[], pictureBytes?: number): Promise<FixtureResults['sign-in']> {
  for (let i = 0; i < emails.length; i += SIGN_IN_BATCH) {
    const batch = emails
      .slice(i, i + SIGN_IN_BATCH)
      .map((email) =>
        pictureBytes === undefined
          ? new MessengerClient(clientOptions(running(), email))
          : withPicture(email, pictureBytes),
      );
    await Promise.all(batch.map((c) => c.signIn()));
    clients.push(...batch);
  }
  return { signedIn: clients.length };
}

async function relay(): Promise<FixtureResults['relay']> {
  const [host = '', port = ''] = running().notification.split(':');
  const listener = createServer((client) => {
    const upstream = connect({ host, port: Number(port) });
    relayed.client = client;
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      relayed.recording?.push(chunk);
      client.write(chunk);
    });
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listener.unref();
  return { address: `127.0.0.1:${(listener.address() as AddressInfo).port}` };
}

/** Changes at a steady rate, catching up after a late timer rather than drifting. */
async function churn(perSecond: number, seconds: number, personalShare: number): Promise<FixtureResults['churn']> {
  const pending = new Set<Promise<void>>();
  relayed.recording = [];
  const start = performance.now();
  let changes = 0;
  const total = Math.round(perSecond * seconds);
  while (changes < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond));
    for (; changes < due; changes++) {
      const client = clients[Math.floor(random() * clients.length)];
      if (!client) throw new Error('nobody is signed in');
      const change =
        random() < personalShare
          ? client.setPersonalMessage(`listening to track ${changes} ♫ ${'la '.repeat(changes % 20)}`.trim())
          : client.setStatus(nextStatus(client));
      const tracked = change.finally(() => pending.delete(tracked));
      pending.add(tracked);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  // What the server wrote while answering the last changes is still on its way through the relay.
  await sleep(100);
  relayed.recorded = relayed.recording;
  relayed.recording = undefined;
  return { changes };
}

function nextStatus(client: MessengerClient): SettableStatus {
  const others = STATUSES.filter((s) => s !== client.profile.status);
  return others[Math.floor(random() * others.length)] ?? 'NLN';
}

/** The recorded presence lines, without the pings and challenges that went the same way. */
async function replay(times: number): Promise<FixtureResults['replay']> {
  const client = relayed.client;
  if (!client) throw new Error('nobody signed in through the relay');
  const { frames } = new FrameDecoder({ payloadRule: serverToClientPayload }).push(Buffer.concat(relayed.recorded));
  const lines = frames
    .filter((f) => PRESENCE.has(f.name))
    .map((f) =>
      f.payload ? encodeCommand(f.name, f.params.slice(0, -1), f.payload) : encodeCommand(f.name, f.params),
    );
  const bytes = Buffer.concat(lines);
  for (let i = 0; i < times; i++) client.write(bytes);
  return { lines: lines.length, bytes: bytes.toString('base64') };
}

async function chat(to: string, messages: number): Promise<FixtureResults['chat']> {
  let delivered = 0;
  let failed = 0;
  await Promise.all(
    clients.map(async (client) => {
      const manager = client.conversations;
      const conversationId = manager.open(to);
      for (let sent = 0; sent < messages;) {
        const batch = Math.min(CHAT_WINDOW, messages - sent);
        const ids = new Set<string>();
        const settled = new Promise<void>((resolve) => {
          const off = manager.on('delivery', ({ messageId, state }) => {
            if (!ids.delete(messageId)) return;
            if (state === 'delivered') delivered++;
            else failed++;
            if (ids.size === 0) {
              off();
              resolve();
            }
          });
        });
        for (let i = 0; i < batch; i++, sent++) {
          const text = `Message ${sent} from ${client.email}: ${'lorem ipsum dolor sit amet, ünïcödé ✓ '.repeat(1 + (sent % 4))}`;
          for (const part of manager.send(conversationId, text, DEFAULT_FORMAT)) ids.add(part.messageId);
        }
        await settled;
      }
    }),
  );
  return { delivered, failed };
}

async function handle(request: FixtureRequest): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      server = await startServer({ accounts: request.options.accounts });
      return { dispatch: server.dispatch, nexus: server.nexus, ca: server.ca };
    }
    case 'sign-in':
      return signIn(request.emails, request.pictureBytes);
    case 'relay':
      return relay();
    case 'churn':
      return churn(request.perSecond, request.seconds, request.personalShare);
    case 'replay':
      return replay(request.times);
    case 'chat':
      return chat(request.to, request.messages);
    case 'close':
      await Promise.all(clients.map((c) => c.signOut()));
      await server?.close();
      return undefined;
  }
}

process.on('message', (message: FixtureRequest & { id: number }) => {
  const reply = (r: FixtureReply): void => {
    // The parent waits for the child to exit after `close`, so exit only once the answer is out.
    process.send?.(r, () => {
      if (message.op === 'close') process.exit(0);
    });
  };
  handle(message).then(
    (value) => reply({ id: message.id, ok: true, value }),
    (err: unknown) => reply({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
