// The demo's other person: a contact who is online, answers what you write and nudges back, so
// a newcomer sees a conversation work end to end. It is an ordinary client of the engine.
import type { ServerConfig } from '../../shared/schemas';
import { MessengerClient } from '../msnp/client';
import { DEFAULT_FORMAT } from '../msnp/format';

export interface DemoBot {
  readonly client: MessengerClient;
  stop(): Promise<void>;
}

/** What the bot answers to a message; the first message of a conversation gets a greeting too. */
export function botReply(text: string, first: boolean): string {
  const said = text.trim();
  const echo = said === '' ? 'You sent an empty message.' : `You said: “${said}”`;
  return first ? `Hi! I am the demo contact: I answer everything you write. ${echo}` : echo;
}

export async function startDemoBot(server: ServerConfig, email: string, password: string): Promise<DemoBot> {
  const client = new MessengerClient({ server, email, password, status: 'NLN' });
  const conversations = client.conversations;
  const answered = new Set<string>();
  conversations.on('message', ({ conversationId, text }) => {
    const first = !answered.has(conversationId);
    answered.add(conversationId);
    try {
      conversations.send(conversationId, botReply(text, first), DEFAULT_FORMAT);
    } catch {
      // The conversation closed meanwhile: nobody is left to answer.
    }
  });
  conversations.on('nudge', ({ conversationId }) => {
    conversations.nudge(conversationId).catch(() => undefined);
  });
  conversations.on('closed', ({ conversationId }) => answered.delete(conversationId));
  await client.signIn();
  await client.setPersonalMessage('I answer everything you write').catch(() => undefined);
  return { client, stop: () => client.signOut() };
}
