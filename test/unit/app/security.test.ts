import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  UserGestureGate,
  allowNavigation,
  appResponseHeaders,
  isActivationInput,
  isAppUrl,
  isExternalLink,
  isTrustedSender,
  resolveAppRequest,
} from '../../../src/main/app/security';

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('allows no inline code, eval or remote hosts anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*|wss?:/);
  });

  it('is sent with every app response', () => {
    expect(appResponseHeaders('text/html')).toMatchObject({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('app protocol', () => {
  const root = resolve('/opt/app/out/renderer');

  it('serves files of the renderer bundle with their type', () => {
    expect(resolveAppRequest(`${APP_ORIGIN}/index.html`, root)).toEqual({
      path: resolve(root, 'index.html'),
      mime: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest(`${APP_ORIGIN}/`, root)?.path).toBe(resolve(root, 'index.html'));
    expect(resolveAppRequest(`${APP_ORIGIN}/assets/index-1.js`, root)?.mime).toMatch(/javascript/);
    expect(resolveAppRequest(`${APP_ORIGIN}/assets/a%20b.css`, root)?.path).toBe(resolve(root, 'assets/a b.css'));
  });

  it.each(['app://renderer/../../etc/passwd.html', 'app://renderer/%2e%2e/%2e%2e/etc/passwd.html'])(
    'keeps the dot segments of %s inside the bundle',
    (url) => {
      expect(resolveAppRequest(url, root)?.path).toBe(resolve(root, 'etc/passwd.html'));
    },
  );

  it.each([
    'app://renderer/assets/..%2f..%2f..%2fsecret.js',
    'app://renderer/a%00.js',
    'app://other/index.html',
    'file:///opt/app/out/renderer/index.html',
    'app://renderer/data.bin',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, root)).toBeUndefined();
  });
});

describe('navigation', () => {
  it('recognises the app origin and, in development only, the dev server', () => {
    expect(isAppUrl('app://renderer/index.html#/', undefined)).toBe(true);
    expect(isAppUrl('http://localhost:5173/#/', undefined)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('https://example.com/', undefined)).toBe(false);
  });

  it('allows moving between routes of the same page only', () => {
    expect(allowNavigation('app://renderer/index.html#/', 'app://renderer/index.html#/options')).toBe(true);
    expect(allowNavigation('app://renderer/index.html#/', 'https://example.com/')).toBe(false);
    expect(allowNavigation('app://renderer/index.html#/', 'app://renderer/other.html')).toBe(false);
    expect(allowNavigation('app://renderer/index.html', 'file:///etc/passwd')).toBe(false);
  });

  it('hands only plain http(s) links to the browser', () => {
    expect(isExternalLink('https://example.com/page?q=1')).toBe(true);
    expect(isExternalLink('http://example.com')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@example.com/',
      'x',
    ]) {
      expect(isExternalLink(url)).toBe(false);
    }
  });
});

describe('links need a click', () => {
  it('opens a link right after a click, once', () => {
    let now = 1000;
    const gate = new UserGestureGate(() => now);
    gate.gesture('w1');
    now += 200;
    expect(gate.allow('w1')).toBe(true);
    expect(gate.allow('w1')).toBe(false);
  });

  it('refuses without a click, after a stale one, or for another window', () => {
    let now = 0;
    const gate = new UserGestureGate(() => now, 1000);
    expect(gate.allow('w1')).toBe(false);
    gate.gesture('w1');
    expect(gate.allow('w2')).toBe(false);
    now = 5000;
    expect(gate.allow('w1')).toBe(false);
  });

  it('counts clicks, taps and Enter or Space as activation, not mouse moves or other keys', () => {
    expect(isActivationInput('mouseUp')).toBe(true);
    expect(isActivationInput('gestureTap')).toBe(true);
    expect(isActivationInput('keyDown', 'Enter')).toBe(true);
    expect(isActivationInput('keyDown', 'Space')).toBe(true);
    expect(isActivationInput('keyDown', 'A')).toBe(false);
    expect(isActivationInput('mouseMove')).toBe(false);
  });
});

describe('IPC senders', () => {
  const ok = { ourWindow: true, mainFrame: true, frameUrl: 'app://renderer/index.html#/', devServerUrl: undefined };

  it('accepts the top frame of one of our windows showing our page', () => {
    expect(isTrustedSender(ok)).toBe(true);
    expect(
      isTrustedSender({ ...ok, frameUrl: 'http://localhost:5173/#/', devServerUrl: 'http://localhost:5173' }),
    ).toBe(true);
  });

  it.each([
    ['another webContents', { ourWindow: false }],
    ['an iframe', { mainFrame: false }],
    ['a frame whose address is unknown', { frameUrl: undefined }],
    ['a page from elsewhere', { frameUrl: 'https://example.com/' }],
    ['the dev server when not in development', { frameUrl: 'http://localhost:5173/' }],
  ])('refuses %s', (_label, change) => {
    expect(isTrustedSender({ ...ok, ...change })).toBe(false);
  });
});
