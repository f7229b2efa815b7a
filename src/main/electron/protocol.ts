// Serves the renderer bundle from app://renderer/ instead of file://, so pages get an origin of
// their own and every response carries the Content-Security-Policy header.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, appResponseHeaders, resolveAppRequest } from '../app/security';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    const file = resolveAppRequest(request.url, rendererRoot);
    if (!file) return new Response(null, { status: 404 });
    try {
      return new Response(await readFile(file.path), { headers: appResponseHeaders(file.mime) });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
