// How windows name a picture: by the hash of its bytes, on a read-only scheme that main serves
// from its verified cache. A window never sees a path, and never a URL a contact chose.

import { PictureId } from './schemas';

export const PICTURE_SCHEME = 'msn-picture';

/** `id` is the hex SHA-1 of the picture's bytes (its SHA1D in hex). */
export function pictureUrl(id: string): string {
  return `${PICTURE_SCHEME}://${id}`;
}

export function isPictureId(id: string): boolean {
  return PictureId.safeParse(id).success;
}
