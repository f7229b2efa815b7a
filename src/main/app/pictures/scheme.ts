// The msn-picture:// scheme, free of Electron: which object a request names and what is sent
// back. Only GET, only a well-formed hash, only bytes that pass the cache's check.
import { isPictureId, PICTURE_SCHEME } from '../../../shared/pictures';
import { hexToSha1d, type ObjectStore } from './store';

export interface PictureResponse {
  readonly status: 200 | 404 | 405;
  readonly body?: Buffer;
  readonly headers: Record<string, string>;
}

const NOT_FOUND: PictureResponse = { status: 404, headers: {} };

/** The SHA1D a picture URL names, or undefined when the URL is not one of ours. */
export function pictureRequestSha1d(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${PICTURE_SCHEME}:`) return undefined;
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search || parsed.hash) return undefined;
  return isPictureId(parsed.hostname) ? hexToSha1d(parsed.hostname) : undefined;
}

export async function servePicture(store: ObjectStore, method: string, url: string): Promise<PictureResponse> {
  if (method !== 'GET') return { status: 405, headers: {} };
  const sha1d = pictureRequestSha1d(url);
  if (sha1d === undefined) return NOT_FOUND;
  const object = await store.get(sha1d);
  if (!object) return NOT_FOUND;
  return {
    status: 200,
    body: object.bytes,
    headers: {
      'Content-Type': object.mime,
      'X-Content-Type-Options': 'nosniff',
      // The name is the hash of the bytes: the same URL always means the same picture.
      'Cache-Control': 'private, max-age=31536000, immutable',
    },
  };
}
