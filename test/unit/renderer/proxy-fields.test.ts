import { describe, expect, it } from 'vitest';
import { proxyDraft, proxySetting } from '../../../src/renderer/src/screens/ProxyFields';
import { formatTrace, formatTraceEntry } from '../../../src/shared/trace-format';

describe('proxy drafts', () => {
  it('round-trips every kind of setting, never with a password', () => {
    for (const setting of [
      { type: 'none' as const },
      { type: 'system' as const },
      { type: 'socks5' as const, host: 'proxy.example', port: 1080, username: 'me' },
      { type: 'http' as const, host: '10.0.0.1', port: 3128 },
    ]) {
      const draft = proxyDraft(setting, true);
      expect(draft.password).toBe('');
      expect(proxySetting(draft)).toEqual(setting);
    }
    expect(proxySetting(proxyDraft(undefined, true))).toBeUndefined();
    expect(proxySetting(proxyDraft(undefined, false))).toEqual({ type: 'none' });
  });

  it('asks for a host and a port in range, and refuses a SOCKS4a password', () => {
    const base = { type: 'socks5' as const, host: 'p', port: '1080', username: '', password: '' };
    expect(proxySetting({ ...base, host: ' ' })).toMatch(/host name and a port/);
    expect(proxySetting({ ...base, port: '70000' })).toMatch(/port from 1 to 65535/);
    expect(proxySetting({ ...base, port: 'x' })).toMatch(/port/);
    expect(proxySetting({ ...base, type: 'socks4a', password: 'pw' })).toMatch(/no password/);
    expect(proxySetting({ ...base, host: ' p ', username: ' me ' })).toEqual({
      type: 'socks5',
      host: 'p',
      port: 1080,
      username: 'me',
    });
  });
});

describe('trace text', () => {
  it('puts time, connection and direction first and indents the rest', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    const entry = {
      seq: 1,
      at,
      connection: 'sb-2',
      direction: 'in' as const,
      line: 'MSG bob@example.com Bob 120',
      payload: 'MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p',
      p2p: 'P2P session=1 id=2',
    };
    expect(formatTraceEntry(entry)).toBe(
      '03:04:05.006 sb-2 << MSG bob@example.com Bob 120\n    P2P session=1 id=2\n    MIME-Version: 1.0\n    Content-Type: application/x-msnmsgrp2p',
    );
    expect(formatTrace([{ ...entry, direction: 'out', payload: undefined, p2p: undefined }])).toBe(
      '03:04:05.006 sb-2 >> MSG bob@example.com Bob 120\n',
    );
    expect(formatTrace([])).toBe('');
  });
});
