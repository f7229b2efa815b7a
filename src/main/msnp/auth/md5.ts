// MD5 (MSNP2–7): the answer is the lowercase hex MD5 of the salt followed by the password
// (LOGIN.md §4).
import { createHash } from 'node:crypto';
import type { AuthMechanism } from './mechanism';

export const md5: AuthMechanism = {
  name: 'MD5',
  respond([salt = ''], settings) {
    const hash = createHash('md5')
      .update(salt + settings.password, 'utf8')
      .digest('hex');
    return Promise.resolve([hash]);
  },
};
