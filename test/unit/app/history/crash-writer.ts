// The writer the crash test kills: records messages into a history database as fast as it can,
// some one by one (as conversations do) and some in transactions of many (as imports do), and
// prints the id of each message only once its transaction has committed.
import { SqliteHistoryStore } from '../../../../src/main/app/history/store';

const [path, seed] = process.argv.slice(2) as [string, string];
const store = SqliteHistoryStore.open(path);
const bob = { email: 'bob@example.com', displayName: 'Bob' };
const conversationId = store.startConversation({ contact: bob.email, contactName: 'Bob', at: Date.now() });
let n = 0;
const word = (): string => `w${seed}x${n}z`;

for (;;) {
  const batch = n % 3 === 0 ? 40 : 1;
  const ids = store.transaction(() =>
    Array.from({ length: batch }, () => {
      n++;
      const text = `${word()} ${'lorem ipsum dolor sit amet '.repeat(1 + (n % 7))}`;
      return store.add({ conversationId, kind: 'message', at: Date.now(), from: bob, outgoing: false, text }) as number;
    }),
  );
  process.stdout.write(ids.map((id, i) => `${id} w${seed}x${n - batch + i + 1}z\n`).join(''));
}
