// The security decisions of the desktop shell, free of Electron so each one is tested: what the
// renderer may load, where it may navigate, which links leave for the system browser, which
// senders may use the IPC contract and which files the app protocol serves.
import { extname, relative, resolve, sep } from 'node:path';

/**
 * Sent as a response header with every page the app serves. No inline script or style, no eval,
 * nothing from the network: a display name or message that slips into the DOM cannot run or phone home.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: msn-picture:",
  "font-src 'self'",
  "media-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The privileged scheme the packaged renderer is served from (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Where our windows' pages come from: the app protocol, or the dev server during development. */
export function isAppUrl(url: string, devServerUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (devServerUrl === undefined) return false;
  try {
    return parsed.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Whether an IPC call may use the contract: it must come from one of our windows, from its top
 * frame (never an iframe), showing our own page.
 */
export function isTrustedSender(sender: {
  readonly ourWindow: boolean;
  readonly mainFrame: boolean;
  readonly frameUrl: string | undefined;
  readonly devServerUrl: string | undefined;
}): boolean {
  return (
    sender.ourWindow &&
    sender.mainFrame &&
    sender.frameUrl !== undefined &&
    isAppUrl(sender.frameUrl, sender.devServerUrl)
  );
}

/**
 * A window may only move between routes of its own page (hash changes do not even ask); anything
 * else, a link clicked or a redirect, is refused.
 */
export function allowNavigation(from: string, to: string): boolean {
  try {
    const a = new URL(from);
    const b = new URL(to);
    return a.origin === b.origin && a.pathname === b.pathname && a.search === b.search;
  } catch {
    return false;
  }
}

/** The only URLs handed to the system browser. */
export function isExternalLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * Links open only as the result of a click: the page must have seen a mouse click or a key press
 * (Enter on a focused link) just before. Without this, a hostile message that found a way to
 * script could open browser tabs in a loop.
 */
export class UserGestureGate {
  private readonly lastGesture = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {}

  gesture(senderId: string): void {
    this.lastGesture.set(senderId, this.now());
  }

  /** Consumes the gesture: one click opens one link. */
  allow(senderId: string): boolean {
    const at = this.lastGesture.get(senderId);
    this.lastGesture.delete(senderId);
    return at !== undefined && this.now() - at <= this.windowMs;
  }

  forget(senderId: string): void {
    this.lastGesture.delete(senderId);
  }
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

/**
 * The file an `app://renderer/...` request names inside the renderer bundle, or undefined for any
 * other host, an unknown file type, or a path that would leave the bundle.
 */
export function resolveAppRequest(url: string, rendererRoot: string): { path: string; mime: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const root = resolve(rendererRoot);
  const path = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const inside = relative(root, path);
  if (inside === '' || inside.startsWith('..') || inside.startsWith(sep) || resolve(root, inside) !== path)
    return undefined;
  const mime = MIME[extname(path).toLowerCase()];
  return mime === undefined ? undefined : { path, mime };
}

/** Headers every app-protocol response carries. */
export function appResponseHeaders(mime: string): Record<string, string> {
  return {
    'Content-Type': mime,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Inputs that activate a link: a mouse click, a tap, or Enter/Space on a focused element. */
export function isActivationInput(type: string, keyCode?: string): boolean {
  if (type === 'mouseUp' || type === 'gestureTap') return true;
  return type === 'keyDown' && (keyCode === 'Enter' || keyCode === 'Return' || keyCode === 'Space' || keyCode === ' ');
}
