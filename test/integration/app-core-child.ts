// The app core alone in a process, for tests that kill it: commands come in on stdin and events
// go out on stdout, one JSON object a line. Its settings and data folders are given in the
// environment, so a second process started on the same folders is the app after a restart.
import { createInterface } from 'node:readline';
import Conf from 'conf';
import { createAppCore } from '../../src/main/app/core';
import type { CredentialStore } from '../../src/main/app/credentials';
import type { WindowHost } from '../../src/main/app/host';
import { createSettingsStore } from '../../src/main/app/settings';
import { RecordingFiles } from '../support/files';

const dataDir = process.env.CORE_DATA_DIR ?? '';
const settingsDir = process.env.CORE_SETTINGS_DIR ?? '';
if (dataDir === '' || settingsDir === '') throw new Error('CORE_DATA_DIR and CORE_SETTINGS_DIR are needed');

const write = (line: unknown): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const credentials: CredentialStore = {
  get: () => Promise.resolve(undefined),
  save: () => Promise.resolve({ saved: false, reason: 'No keychain in this test' }),
  delete: () => Promise.resolve(),
  unavailableReason: () => undefined,
};

const windows: WindowHost = {
  showContactList: () => undefined,
  openConversation: (conversationId) => write({ window: conversationId }),
  conversationWindowState: () => 'none',
  flashConversation: () => undefined,
  openExternal: () => Promise.resolve(false),
};

const core = createAppCore({
  settings: createSettingsStore(new Conf({ cwd: settingsDir, configName: 'settings' })),
  credentials,
  windows,
  dataDir,
  files: new RecordingFiles(dataDir),
  engine: { reconnect: false },
});
core.onEvent((event, payload) => write({ event, payload }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, channel, payload } = JSON.parse(line) as { id: number; channel: string; payload: unknown };
  void core.dispatch(channel, payload, { senderId: 'test' }).then((result) => write({ reply: id, result }));
});
write({ ready: true });
