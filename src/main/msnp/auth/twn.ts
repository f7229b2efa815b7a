// TWN (MSNP8–14): the challenge is a Passport parameter string; the answer is the ticket the
// Passport 1.4 login service issues for it (LOGIN.md §6).
import { passportTicket, prefetchLoginUrl, type NexusOptions } from '../passport';
import { throwIfCancelled, type AuthMechanism, type AuthSettings } from './mechanism';

function passport(settings: AuthSettings): NexusOptions {
  return {
    nexusUrl: settings.nexusUrl,
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.allowInsecurePassport === undefined ? {} : { allowInsecure: settings.allowInsecurePassport }),
    ...(settings.daLoginCache === undefined ? {} : { cache: settings.daLoginCache }),
    ...(settings.requestTimeoutMs === undefined ? {} : { timeoutMs: settings.requestTimeoutMs }),
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
    ...(settings.transport === undefined ? {} : { transport: settings.transport }),
  };
}

export const twn: AuthMechanism = {
  name: 'TWN',
  prepare(settings) {
    prefetchLoginUrl(passport(settings));
  },
  async respond([params = ''], settings) {
    settings.onStep?.('passport');
    const ticket = await passportTicket({
      ...passport(settings),
      email: settings.email,
      password: settings.password,
      params,
    });
    throwIfCancelled(settings.signal);
    return [ticket];
  },
  // MSNP13/14: the sign-in ticket opens every SOAP service of the session (MSNP13-18.md §2.1)
  // and lives as long as it; there is nothing to renew it with. Escargot's bare 20-character
  // tickets are quoted the way the services expect.
  ticketFor(_service, _settings, [ticket = '']) {
    return Promise.resolve(ticket.startsWith('t=') ? ticket : `t=${ticket}&p=`);
  },
};
