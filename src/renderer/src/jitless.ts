// Imported first by main.tsx, before any schema is parsed. zod compiles object schemas with
// `new Function` unless told not to, and even its probe for that is reported as a violation of
// the page's Content-Security-Policy (no eval): the interpreted path is fast enough here.
import { z } from 'zod';

z.config({ jitless: true });
