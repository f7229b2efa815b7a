// Dispatch server: negotiates like a notification server, then refers USR I to the NS (XFR NS).
import type { Socket } from 'node:net';
import type { Frame } from './codec';
import { Conn } from './conn';
import { handleHandshake, initialUsr, isTrid, type HandshakeState } from './handshake';
import type { Hub } from './hub';

export function acceptDispatch(hub: Hub, socket: Socket): Conn {
  const { settings } = hub;
  const state: HandshakeState = {
    dialect: 0,
    maxDialect: settings.maxDialect,
    conn: new Conn(
      socket,
      {
        label: 'ds',
        maxPayloadBytes: 64,
        latencyMs: settings.latencyMs,
        stallMs: settings.loginTimeoutMs,
        log: settings.log,
      },
      (frame) => onFrame(frame),
    ),
  };
  const { conn } = state;
  conn.setDeadline(settings.loginTimeoutMs, 'no USR in time');

  function onFrame({ name, params }: Frame): void {
    if (name === 'OUT' && params.length === 0) {
      conn.send('OUT');
      conn.close('client said OUT');
      return;
    }
    const [trid, ...args] = params;
    if (!isTrid(trid)) {
      conn.destroy(`${name} without a transaction id`);
      return;
    }
    if (state.dialect === 0 && name !== 'VER') {
      conn.close(`${name} before VER`);
      return;
    }
    if (handleHandshake(state, name, trid, args)) return;
    if (name !== 'USR') {
      conn.error(200, trid);
      return;
    }
    if (!initialUsr(state, trid, args)) return;
    const referral = ['NS', hub.addresses.notification, 0];
    // MSNP7 added the address of the server giving the referral.
    if (state.dialect >= 7) referral.push(hub.addresses.dispatch);
    conn.send('XFR', [trid, ...referral]);
    conn.close('referred to the notification server');
  }
  return conn;
}
