// Serves the renderer bundle from app://renderer/ instead of file://, so pages get an origin of
// their own and every response carries the Content-Security-Policy header; and the pictures of
// msn-picture://, by hash, from the services' verified cache.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { PICTURE_SCHEME } from '../../shared/pictures';
import type { PictureResponse } from '../app/pictures/scheme';
import { APP_SCHEME, appResponseHeaders, resolveAppRequest } from '../app/security';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // Read-only pictures by hash; `secure` so the app's pages may show them without a warning.
    { scheme: PICTURE_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/** Display pictures and emoticons, from the verified cache only. */
export function servePictures(serve: (method: string, url: string) => Promise<PictureResponse>): void {
  protocol.handle(PICTURE_SCHEME, async (request) => {
    const answer = await serve(request.method, request.url);
    return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
  });
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
