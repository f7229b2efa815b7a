// The demo's other person: a contact who is online, answers what you write and nudges back, so
// a newcomer sees a conversation work end to end. It has a display picture, shows yours back
// (it takes your picture as its own once it has fetched it), accepts the files you send, and
// sends you one when you ask ("send me a file"). It is an ordinary client of the engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ServerConfig } from '../../shared/schemas';
import { MessengerClient } from '../msnp/client';
import { DEFAULT_FORMAT } from '../msnp/format';
import { createDownload } from '../msnp/p2p/files';
import { P2P_CLIENT_ID, P2PManager, supportsP2P } from '../msnp/p2p/manager';
import { buildMsnObject, MsnObjectType, parseMsnObject, type MsnObject } from '../msnp/p2p/msnobj';
import type { FileSource } from '../msnp/p2p/source';
import { demoBuddyPicture } from './picture';

export interface DemoBot {
  readonly client: MessengerClient;
  readonly p2p: P2PManager;
  stop(): Promise<void>;
}

/** What the bot answers to a message; the first message of a conversation gets a greeting too. */
export function botReply(text: string, first: boolean): string {
  const said = text.trim();
  const echo = said === '' ? 'You sent an empty message.' : `You said: “${said}”`;
  return first ? `Hi! I am the demo contact: I answer everything you write. ${echo}` : echo;
}

/** "send me a file", in any case and with anything around it. */
export function asksForFile(text: string): boolean {
  return /\bsend me a file\b/i.test(text);
}

export const DEMO_FILE_NAME = 'Hello from Demo Buddy.txt';
export const DEMO_FILE_TEXT =
  'Hello!\r\n\r\nThis file came to you over MSNP2P, in chunks relayed by the switchboard, exactly as\r\n' +
  'MSN Messenger sent files. Thanks for trying Revival Messenger.\r\n\r\n-- Demo Buddy\r\n';

function textFile(): FileSource {
  const data = Buffer.from(DEMO_FILE_TEXT, 'utf8');
  return { name: DEMO_FILE_NAME, size: data.length, open: () => Readable.from([data]) };
}

export async function startDemoBot(server: ServerConfig, email: string, password: string): Promise<DemoBot> {
  const own = demoBuddyPicture();
  const ownObject = buildMsnObject({ creator: email, data: own, type: MsnObjectType.PICTURE });
  // What it shows as its picture: its own, or yours once it has it.
  let shown: { data: Buffer; object: MsnObject } = { data: own, object: ownObject };
  const client = new MessengerClient({
    server,
    email,
    password,
    status: 'NLN',
    clientId: P2P_CLIENT_ID,
    msnObject: ownObject.xml,
  });
  const p2p = new P2PManager(client.conversations, {
    email,
    dialect: () => client.dialect,
    objects: { get: (sha1d) => (sha1d === shown.object.sha1d ? shown.data : undefined) },
  });
  const received = await mkdtemp(join(tmpdir(), 'revival-demo-buddy-'));
  const conversations = client.conversations;
  const answered = new Set<string>();
  const say = (conversationId: string, text: string): void => {
    try {
      conversations.send(conversationId, text, DEFAULT_FORMAT);
    } catch {
      // The conversation closed meanwhile: nobody is left to answer.
    }
  };
  /** The pictures it has mirrored already, by SHA1D, so it fetches each once. */
  const mirrored = new Set<string>([ownObject.sha1d]);
  const mirror = async (from: string, conversationId: string): Promise<void> => {
    const contact = client.getContact(from);
    const object = contact?.msnObject === undefined ? undefined : parseMsnObject(contact.msnObject);
    if (!object || mirrored.has(object.sha1d) || !supportsP2P(contact?.clientId)) return;
    mirrored.add(object.sha1d);
    try {
      const data = await p2p.fetchObject({ ...object, creator: from }, { conversationId });
      shown = { data, object: buildMsnObject({ creator: email, data, type: MsnObjectType.PICTURE }) };
      await client.setMsnObject(shown.object.xml);
      say(conversationId, `Nice picture! I fetched it (${data.length} bytes) and am showing it back to you as mine.`);
    } catch (err) {
      say(conversationId, `I could not fetch your picture: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  conversations.on('message', ({ conversationId, from, text }) => {
    const first = !answered.has(conversationId);
    answered.add(conversationId);
    say(conversationId, botReply(text, first));
    if (asksForFile(text)) p2p.sendFile(from.email, textFile(), { conversationId });
    void mirror(from.email, conversationId);
  });
  conversations.on('nudge', ({ conversationId }) => {
    conversations.nudge(conversationId).catch(() => undefined);
  });
  conversations.on('closed', ({ conversationId }) => answered.delete(conversationId));
  p2p.on('file-offer', (offer) => {
    createDownload(received, offer.name).then(
      (sink) => p2p.accept(offer.transferId, sink),
      () => p2p.decline(offer.transferId),
    );
  });
  p2p.on('transfer-completed', ({ direction, conversationId, name, size }) => {
    if (direction === 'receive') say(conversationId, `Thanks! I received “${name}” (${size} bytes).`);
  });
  await client.signIn();
  await client.setPersonalMessage('I answer everything you write').catch(() => undefined);
  return {
    client,
    p2p,
    stop: async () => {
      p2p.dispose();
      await client.signOut();
      await rm(received, { recursive: true, force: true });
    },
  };
}
