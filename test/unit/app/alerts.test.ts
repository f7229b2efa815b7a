import { describe, expect, it } from 'vitest';
import {
  contactSignedInAlert,
  fileOfferAlert,
  messageAlert,
  nudgeAlert,
  shorten,
  toastBodyRendersMarkup,
  toastForDisplay,
} from '../../../src/main/app/alerts';
import { DEFAULT_PREFERENCES } from '../../../src/main/app/settings';
import type { Preferences } from '../../../src/shared/schemas';

const prefs = DEFAULT_PREFERENCES;
const off: Preferences = {
  ...prefs,
  sounds: { signIn: false, message: false, nudge: false },
  notifications: { contactSignIn: false, message: false },
};
const bob = { email: 'bob@example.com', displayName: 'Bob' };
const message = { conversationId: 'c1', from: bob, text: 'hello\nthere' };

describe('contact sign-in alert', () => {
  it('toasts "X has just signed in" and plays the sign-in sound', () => {
    expect(contactSignedInAlert(prefs, 'NLN', bob)).toEqual({
      toast: { title: 'Bob has just signed in', body: 'bob@example.com' },
      sound: 'sign-in',
    });
  });

  it('names the contact by e-mail when it has no display name', () => {
    expect(contactSignedInAlert(prefs, 'NLN', { ...bob, displayName: '' }).toast?.title).toBe(
      'bob@example.com has just signed in',
    );
  });

  it('honours each switch on its own', () => {
    expect(contactSignedInAlert(off, 'NLN', bob)).toEqual({});
    const soundOnly = { ...off, sounds: { ...off.sounds, signIn: true } };
    expect(contactSignedInAlert(soundOnly, 'NLN', bob)).toEqual({ sound: 'sign-in' });
  });

  it('stays quiet while Busy', () => {
    expect(contactSignedInAlert(prefs, 'BSY', bob)).toEqual({});
  });
});

describe('message alert', () => {
  it('says nothing for the focused conversation', () => {
    expect(messageAlert(prefs, 'NLN', message, 'focused')).toEqual({});
  });

  it('flashes, toasts and plays a sound for a conversation in the background', () => {
    expect(messageAlert(prefs, 'NLN', message, 'background')).toEqual({
      openWindow: false,
      flash: true,
      toast: { title: 'Bob says:', body: 'hello there', conversationId: 'c1' },
      sound: 'message',
    });
  });

  it('opens the window, without focus, for a conversation that has none', () => {
    expect(messageAlert(prefs, 'NLN', message, 'none')).toMatchObject({ openWindow: true, flash: true });
  });

  it('still opens and flashes the window, silently, when toasts and sounds are off or Busy', () => {
    expect(messageAlert(off, 'NLN', message, 'none')).toEqual({ openWindow: true, flash: true });
    expect(messageAlert(prefs, 'BSY', message, 'none')).toEqual({ openWindow: true, flash: true });
  });
});

describe('file offer alert', () => {
  const offer = { conversationId: 'c1', from: bob, name: 'holiday.jpg' };

  it('brings up the conversation with the offer, as a message does', () => {
    expect(fileOfferAlert(prefs, 'NLN', offer, 'none')).toEqual({
      openWindow: true,
      flash: true,
      toast: { title: 'Bob would like to send you a file:', body: 'holiday.jpg', conversationId: 'c1' },
      sound: 'message',
    });
    expect(fileOfferAlert(prefs, 'NLN', offer, 'focused')).toEqual({});
    expect(fileOfferAlert(prefs, 'BSY', offer, 'none')).toEqual({ openWindow: true, flash: true });
  });
});

describe('nudge alert', () => {
  it('is heard in the focused conversation too', () => {
    expect(nudgeAlert(prefs, 'NLN', 'focused')).toEqual({ sound: 'nudge' });
    expect(nudgeAlert(prefs, 'NLN', 'none')).toEqual({ openWindow: true, flash: true, sound: 'nudge' });
  });

  it('can be silenced', () => {
    expect(nudgeAlert(off, 'NLN', 'background')).toEqual({ openWindow: false, flash: true });
    expect(nudgeAlert(prefs, 'BSY', 'focused')).toEqual({});
  });
});

describe('toast text', () => {
  it('keeps one line and cuts long text at a character boundary', () => {
    expect(shorten('a\n\n b\tc')).toBe('a b c');
    const long = '😀'.repeat(200);
    const cut = shorten(long, 10);
    expect([...cut]).toHaveLength(10);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.startsWith('😀'.repeat(9))).toBe(true);
  });
});

describe('toast markup', () => {
  const evil = { displayName: '<b>Eve</b> & co', email: 'eve@example.com' };
  const text = '<a href="http://evil.example/">click</a> <img src="x"> 1 < 2 && 3 > 2 &amp;';

  it('escapes a message from a contact where the notification server renders markup', () => {
    const toast = messageAlert(prefs, 'NLN', { conversationId: 'c1', from: evil, text }, 'none').toast;
    if (!toast) throw new Error('no toast');
    const shown = toastForDisplay(toast, true);
    expect(shown.body).toBe(
      '&lt;a href="http://evil.example/"&gt;click&lt;/a&gt; &lt;img src="x"&gt; 1 &lt; 2 &amp;&amp; 3 &gt; 2 &amp;amp;',
    );
    expect(shown.body).not.toMatch(/[<>]/);
    // The title is plain text by the specification: escaping it would show the entities.
    expect(shown.title).toBe('<b>Eve</b> & co says:');
    expect(shown.conversationId).toBe('c1');
  });

  it('escapes a contact signing in (the body is their address, which they choose)', () => {
    const toast = contactSignedInAlert(prefs, 'NLN', { displayName: 'Eve', email: 'e<i>ve@example.com' }).toast;
    if (!toast) throw new Error('no toast');
    expect(toastForDisplay(toast, true).body).toBe('e&lt;i&gt;ve@example.com');
  });

  it('leaves the text alone where toasts show plain text', () => {
    const toast = { title: 'Eve says:', body: text };
    expect(toastForDisplay(toast, false)).toEqual(toast);
  });

  it('knows which platforms render markup in the body', () => {
    expect(toastBodyRendersMarkup('linux')).toBe(true);
    expect(toastBodyRendersMarkup('freebsd')).toBe(true);
    expect(toastBodyRendersMarkup('win32')).toBe(false);
    expect(toastBodyRendersMarkup('darwin')).toBe(false);
  });
});
