// engine-memory: the main process's heap with an engine holding 1,000 contacts and 50 open
// conversations of 1,000 received messages each, against the heap with an idle engine (signed
// in, no contacts, no conversations). The engine is wired to the services that keep what the
// windows need (the contact list, each conversation's history of up to 1,000 entries), as the
// app wires them; the server and the 50 people writing run in a child process.
import { MessengerClient } from '../src/main/msnp/client';
import { ContactsService } from '../src/main/app/contacts';
import { ConversationsService } from '../src/main/app/conversations';
import { accounts, address, clientOptions, Fixture } from './fixture';
import { report, settledHeapMB, until } from './lib';

const CONTACTS = 1000;
const CONVERSATIONS = 50;
const MESSAGES = 1000;

/**
 * An engine for `email`, counting the messages it receives; with `services`, also the services
 * that hold its state for the windows, wired as the app wires them.
 */
function mainProcess(
  fixture: Fixture,
  email: string,
  services: boolean,
): { client: MessengerClient; messages: () => number } {
  const client = new MessengerClient(clientOptions(fixture.addresses, email));
  let messages = 0;
  if (!services) {
    client.conversations.on('message', () => messages++);
    return { client, messages: () => messages };
  }
  const contacts = new ContactsService({ loaded: () => {}, changed: () => {}, signedIn: () => {} });
  const conversations = new ConversationsService({
    emit: () => {},
    self: () => ({ email: client.email, displayName: client.displayName }),
    nameOf: (who) => contacts.get(who)?.displayName ?? who,
    isOffline: (who) => contacts.get(who)?.status === 'FLN',
    pictureOf: (who) => contacts.get(who)?.pictureId,
    incoming: () => messages++,
    reportError: (message) => {
      throw new Error(message);
    },
    now: Date.now,
  });
  conversations.attach(client.conversations);
  client.on('contact-list', ({ contacts: list, groups, privacy }) => contacts.load(list, groups, privacy));
  client.on('presence', (contact) => contacts.update(contact));
  return { client, messages: () => messages };
}

/** Signs `me` in, has the 50 people write their 1,000 messages each, and returns the heap then. */
async function loadedHeap(fixture: Fixture, services: boolean): Promise<{ mb: number; contacts: number }> {
  const me = address('me', 0);
  const loaded = mainProcess(fixture, me, services);
  await loaded.client.signIn();
  const chat = await fixture.call({ op: 'chat', to: me, messages: MESSAGES });
  if (chat.failed > 0) throw new Error(`${chat.failed} messages failed`);
  await until(() => loaded.messages() >= CONVERSATIONS * MESSAGES, 'every message', 120_000);
  const mb = await settledHeapMB();
  const contacts = loaded.client.contacts.length;
  await loaded.client.signOut();
  return { mb, contacts };
}

export async function main(): Promise<void> {
  const people = Array.from({ length: CONTACTS }, (_, i) => address('contact', i));
  const fixture = await Fixture.start({
    accounts: [...accounts('me', 1, () => people), ...accounts('contact', CONTACTS), ...accounts('idle', 1)],
  });
  try {
    await fixture.call({ op: 'sign-in', emails: people.slice(0, CONVERSATIONS) });
    const idle = mainProcess(fixture, address('idle', 0), true);
    await idle.client.signIn();
    const idleMB = await settledHeapMB();
    await idle.client.signOut();
    const engineAlone = await loadedHeap(fixture, false);
    const withServices = await loadedHeap(fixture, true);
    report({
      bench: 'engine-memory',
      value: withServices.mb,
      unit: 'MB heap',
      baseline: idleMB,
      notes:
        `+${(withServices.mb - idleMB).toFixed(1)} MB for ${withServices.contacts} contacts (${CONVERSATIONS} online) and ` +
        `${CONVERSATIONS} open conversations × ${MESSAGES} received messages, histories kept by the services as the app does ` +
        `(target < 50 MB above idle); the engine alone, which keeps no history: +${(engineAlone.mb - idleMB).toFixed(1)} MB; ` +
        `heapUsed after full GCs`,
    });
  } finally {
    await fixture.close();
  }
}
