import { describe, expect, it } from 'vitest';
import { parseRouteHash, routeHash, windowKey, windowStateKey, type WindowRoute } from '../../../src/main/app/routes';
import { CASCADE_STEP, placeWindow, reachable } from '../../../src/main/app/window-bounds';

describe('window routing', () => {
  it.each<[WindowRoute, string]>([
    [{ kind: 'contact-list' }, '#/'],
    [{ kind: 'options' }, '#/options'],
    [{ kind: 'conversation', conversationId: 'c1' }, '#/conversation/c1'],
    [{ kind: 'conversation', conversationId: 'a b/c' }, '#/conversation/a%20b%2Fc'],
    [{ kind: 'history' }, '#/history'],
    [{ kind: 'history', contact: 'bob@example.com' }, '#/history/bob%40example.com'],
  ])('%j is served at %s and read back', (route, hash) => {
    expect(routeHash(route)).toBe(hash);
    expect(parseRouteHash(hash)).toEqual(route);
  });

  it('reads an empty hash as the contact list', () => {
    expect(parseRouteHash('')).toEqual({ kind: 'contact-list' });
  });

  it.each([
    '#/conversation/',
    '#/conversation/a/b',
    '#/elsewhere',
    '#/conversation/%E0%A4%A',
    `#/conversation/${'x'.repeat(65)}`,
    '#/history/',
    '#/history/%E0%A4%A',
    `#/history/${'x'.repeat(257)}`,
  ])('refuses %s', (hash) => {
    expect(parseRouteHash(hash)).toBeUndefined();
  });

  it('gives each conversation its own window but one remembered conversation size', () => {
    const a: WindowRoute = { kind: 'conversation', conversationId: 'a' };
    const b: WindowRoute = { kind: 'conversation', conversationId: 'b' };
    expect(windowKey(a)).not.toBe(windowKey(b));
    expect(windowKey(a)).toBe(windowKey({ kind: 'conversation', conversationId: 'a' }));
    expect(windowStateKey(a)).toBe(windowStateKey(b));
    expect(windowStateKey({ kind: 'contact-list' })).toBe('contactList');
  });
});

describe('window placement', () => {
  const limits = { width: 320, height: 640, minWidth: 260, minHeight: 400 };
  const screen = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 1280, height: 1000 };

  it('uses the defaults and lets the system centre a window opened for the first time', () => {
    expect(placeWindow(undefined, limits, [screen])).toEqual({ width: 320, height: 640, maximized: false });
  });

  it('restores a remembered position and size', () => {
    const saved = { x: 100, y: 50, width: 400, height: 700, maximized: false };
    expect(placeWindow(saved, limits, [screen])).toEqual(saved);
  });

  it('keeps maximised state', () => {
    expect(placeWindow({ x: 0, y: 0, width: 400, height: 700, maximized: true }, limits, [screen]).maximized).toBe(
      true,
    );
  });

  it('forgets a position on a display that is no longer connected', () => {
    const saved = { x: 2500, y: 100, width: 400, height: 700, maximized: false };
    expect(placeWindow(saved, limits, [screen, right])).toMatchObject({ x: 2500, y: 100 });
    expect(placeWindow(saved, limits, [screen])).toEqual({ width: 400, height: 700, maximized: false });
  });

  it('forgets a position whose title bar is off the top of the screen', () => {
    const saved = { x: 100, y: -20, width: 400, height: 700, maximized: false };
    expect(placeWindow(saved, limits, [screen])).not.toHaveProperty('x');
  });

  it('clamps the size to the minimum and to the largest display', () => {
    const tiny = placeWindow({ width: 100, height: 100, maximized: false }, limits, [screen]);
    expect(tiny).toMatchObject({ width: 260, height: 400 });
    const huge = placeWindow({ width: 5000, height: 5000, maximized: false }, limits, [screen]);
    expect(huge).toMatchObject({ width: 1920, height: 1040 });
  });

  it('cascades a new conversation window off one already at the remembered place', () => {
    const saved = { x: 200, y: 100, width: 400, height: 300, maximized: false };
    const open = [{ x: 200, y: 100, width: 400, height: 300 }];
    expect(placeWindow(saved, limits, [screen], open)).toMatchObject({ x: 200 + CASCADE_STEP, y: 100 + CASCADE_STEP });
    const two = [...open, { x: 200 + CASCADE_STEP, y: 100 + CASCADE_STEP, width: 400, height: 300 }];
    expect(placeWindow(saved, limits, [screen], two)).toMatchObject({
      x: 200 + 2 * CASCADE_STEP,
      y: 100 + 2 * CASCADE_STEP,
    });
  });

  it('needs a grabbable strip of title bar on some display', () => {
    expect(reachable({ x: 1900, y: 10, width: 400, height: 300 }, [screen])).toBe(false);
    expect(reachable({ x: 1800, y: 10, width: 400, height: 300 }, [screen])).toBe(true);
  });
});
