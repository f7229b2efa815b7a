// picture-fetch: after signing in, the time to download the display pictures of 50 online
// contacts over MSNP2P through the reference switchboard (contacts served by engine clients in
// the fixture's child process), a few at a time as the engine does by default, against the same
// downloads one at a time in the same run.
import { MessengerClient } from '../src/main/msnp/client';
import { P2PManager, P2P_CLIENT_ID } from '../src/main/msnp/p2p/manager';
import { accounts, address, clientOptions, Fixture } from './fixture';
import { report } from './lib';

const CONTACTS = 50;
const PICTURE_BYTES = 20 * 1024;

/** Signs `email` in and fetches every online contact's picture; seconds from sign-in to the last one. */
async function fetchAll(fixture: Fixture, email: string, maxConcurrentFetches: number): Promise<number> {
  const client = new MessengerClient(clientOptions(fixture.addresses, email, { clientId: P2P_CLIENT_ID }));
  const p2p = new P2PManager(client.conversations, { email, maxConcurrentFetches });
  try {
    await client.signIn();
    const start = performance.now();
    const objects = client.contacts.flatMap((c) => (c.status !== 'FLN' && c.msnObject ? [c.msnObject] : []));
    if (objects.length !== CONTACTS) throw new Error(`${objects.length} contacts with pictures online`);
    const pictures = await Promise.all(objects.map((o) => p2p.fetchObject(o)));
    if (pictures.some((p) => p.length !== PICTURE_BYTES)) throw new Error('a picture has the wrong size');
    return (performance.now() - start) / 1000;
  } finally {
    p2p.dispose();
    await client.signOut();
  }
}

export async function main(): Promise<void> {
  const contacts = Array.from({ length: CONTACTS }, (_, i) => address('pic', i));
  const viewers = Array.from({ length: 5 }, (_, i) => address('viewer', i));
  const fixture = await Fixture.start({
    accounts: [...accounts('pic', CONTACTS, () => viewers), ...accounts('viewer', viewers.length, () => contacts)],
  });
  try {
    await fixture.call({ op: 'sign-in', emails: contacts, pictureBytes: PICTURE_BYTES });
    // A first pass warms up both processes (compiled code, TLS, the contacts' switchboard paths);
    // then the two ways in turn, best of two each.
    await fetchAll(fixture, address('viewer', 0), 3);
    let parallel = Infinity;
    let serial = Infinity;
    for (let i = 0; i < 2; i++) {
      parallel = Math.min(parallel, await fetchAll(fixture, address('viewer', 1 + 2 * i), 3));
      serial = Math.min(serial, await fetchAll(fixture, address('viewer', 2 + 2 * i), 1));
    }
    report({
      bench: 'picture-fetch',
      value: parallel,
      unit: 's',
      baseline: serial,
      notes:
        `${CONTACTS} online contacts' ${PICTURE_BYTES / 1024} KB pictures fetched right after sign-in, 3 at a time ` +
        `(one switchboard and one SLP session each, SHA1D checked), best of two after a warm-up pass; ` +
        `baseline: the same, one at a time; ` +
        `${((parallel / CONTACTS) * 1000).toFixed(1)} ms per picture`,
    });
  } finally {
    await fixture.close();
  }
}
