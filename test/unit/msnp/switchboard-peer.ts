import type { PeerConnection } from './scripted-peer';

/** The `USR` exchange of a switchboard session the client asked for. */
export async function acceptUsr(conn: PeerConnection, email = 'alice@example.com'): Promise<void> {
  const usr = await conn.expect('USR');
  conn.write(`USR ${usr.params[0]} OK ${email} Alice`);
}
