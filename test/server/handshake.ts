// VER / CVR / INF and the first USR, which the dispatch and notification servers answer alike.
import { isAddress } from './accounts';
import type { Conn } from './conn';

export const MIN_DIALECT = 2;
export const MAX_DIALECT = 18;

export interface HandshakeState {
  readonly conn: Conn;
  /** 0 until VER succeeded. */
  dialect: number;
  /** The newest dialect this server accepts. */
  readonly maxDialect: number;
}

/** The highest MSNPn both sides speak, or 0. */
export function negotiate(offered: readonly string[], max = MAX_DIALECT): number {
  let best = 0;
  for (const token of offered) {
    const m = /^MSNP(\d{1,2})$/.exec(token);
    const n = m ? Number(m[1]) : 0;
    if (n >= MIN_DIALECT && n <= Math.min(max, MAX_DIALECT) && n > best) best = n;
  }
  return best;
}

/** Answers VER, CVR and INF. Returns false for any other command. */
export function handleHandshake(s: HandshakeState, name: string, trid: string, args: readonly string[]): boolean {
  switch (name) {
    case 'VER': {
      if (s.dialect !== 0) {
        s.conn.error(715, trid);
        s.conn.close('second VER');
        return true;
      }
      const dialect = negotiate(args, s.maxDialect);
      if (dialect === 0) {
        s.conn.send('VER', [trid, 0]);
        s.conn.close('no common dialect');
        return true;
      }
      s.dialect = dialect;
      s.conn.send('VER', [trid, `MSNP${dialect}`]);
      return true;
    }
    case 'CVR': {
      const version = args[5];
      if (args.length < 7 || version === undefined) {
        s.conn.error(710, trid);
        return true;
      }
      // Like Escargot: any client version is fine and is recommended back to itself.
      s.conn.send('CVR', [trid, version, version, version, 'http://127.0.0.1/download', 'http://127.0.0.1/']);
      return true;
    }
    case 'INF':
      if (s.dialect >= 8) {
        s.conn.close('INF is gone in MSNP8');
        return true;
      }
      s.conn.send('INF', [trid, 'MD5']);
      return true;
    default:
      return false;
  }
}

export type AuthMethod = 'MD5' | 'TWN' | 'SSO';

/** MD5 up to MSNP7, Passport 1.4 (TWN) for MSNP8–14, SSO from MSNP15. */
export function expectedMethod(dialect: number): AuthMethod {
  return dialect >= 15 ? 'SSO' : dialect >= 8 ? 'TWN' : 'MD5';
}

export interface InitialUsr {
  readonly method: AuthMethod;
  readonly email: string;
}

/**
 * Validates `USR trid MD5|TWN|SSO I email`. Closes the connection (as Escargot does) when the method
 * does not belong to the dialect, answers 911 and closes for an address without `@`, and returns
 * null in both cases.
 */
export function initialUsr(s: HandshakeState, trid: string, args: readonly string[]): InitialUsr | null {
  const [method, phase, email] = args;
  const expected = expectedMethod(s.dialect);
  if (method !== expected) {
    s.conn.close(`USR ${method ?? ''} in MSNP${s.dialect}`);
    return null;
  }
  if (phase !== 'I' || email === undefined) {
    s.conn.error(200, trid);
    return null;
  }
  if (!isAddress(email)) {
    s.conn.error(911, trid);
    s.conn.close('USR I without an e-mail address');
    return null;
  }
  return { method: expected, email };
}

/** A transaction id: a decimal integer in 0 … 2³²−1. */
export function isTrid(token: string | undefined): token is string {
  return token !== undefined && /^\d{1,10}$/.test(token) && Number(token) <= 0xffffffff;
}
