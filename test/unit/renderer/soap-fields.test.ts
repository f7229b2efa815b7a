// The server settings' Advanced fields: empty ones are left out, each wrong one says why (in the
// words of the shared schema and the engine).
import { describe, expect, it } from 'vitest';
import { soapDraft, soapSetting } from '../../../src/renderer/src/screens/SoapFields';

describe('SOAP fields', () => {
  it('become the server entry’s soap setting, or each field’s problem', () => {
    expect(soapSetting(soapDraft(undefined))).toEqual({ setting: undefined });
    const draft = { ...soapDraft(undefined), base: ' https://soap.example.net ', rst: '' };
    expect(soapSetting(draft)).toEqual({ setting: { base: 'https://soap.example.net' } });
    expect(soapSetting({ ...draft, sharing: 'https://x.hotmail.com/s', storage: 'nope' })).toEqual({
      errors: {
        sharing: "x.hotmail.com is a Microsoft host; a revival server's own address is needed",
        storage: 'Type a full address, such as https://messenger.example.com',
      },
    });
    expect(soapDraft({ oim: 'https://o.example/o' }).oim).toBe('https://o.example/o');
  });
});
