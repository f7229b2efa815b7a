// Multiple places (MSNP16+): reading the account's own UBX into places, and what a place sends
// about itself (UUX) and to sign another out (UUN).
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../../src/main/msnp/codec';
import { ClientContext } from '../../../src/main/msnp/context';
import { dialectOf } from '../../../src/main/msnp/dialects';
import type { Place } from '../../../src/main/msnp/events';
import { Places, SIGN_OUT_PAYLOAD, signOutPlaceCommand } from '../../../src/main/msnp/features/places';
import { parseEndpoints, personalMessagePayload, privateEndpointPayload } from '../../../src/main/msnp/lists';
import { MAX_PLACE_NAME } from '../../../src/shared/schemas';

const LAPTOP = '{e2e33006-1111-4c58-9d4d-2a5a8e3c0b11}';
const DESKTOP = '{8a9ff87f-2222-4c58-9d4d-2a5a8e3c0b11}';

describe('the own UBX', () => {
  it('lists every place, with the private data of each matched by id in any case', () => {
    const ubx =
      '<Data><PSM>hi</PSM><CurrentMedia></CurrentMedia><MachineGuid>{E2E33006-…}</MachineGuid><SignatureSound></SignatureSound>' +
      `<EndpointData id="${LAPTOP}"><Capabilities>2788999212:48</Capabilities></EndpointData>` +
      `<EndpointData id="${DESKTOP}"><Capabilities>2788999212:48</Capabilities></EndpointData>` +
      `<PrivateEndpointData id="${LAPTOP.toUpperCase()}"><EpName>Laptop</EpName><ClientType>1</ClientType><State>NLN</State></PrivateEndpointData>` +
      `<PrivateEndpointData id="${DESKTOP}"><EpName>Tom &#x26; Jerry&#x3C;3 &#x3D;&#x5C;</EpName><Idle>true</Idle><ClientType>1</ClientType><State>AWY</State></PrivateEndpointData></Data>`;
    expect(parseEndpoints(Buffer.from(ubx))).toEqual([
      { id: LAPTOP, name: 'Laptop', state: 'NLN' },
      { id: DESKTOP, name: 'Tom & Jerry<3 =\\', state: 'AWY' },
    ]);
  });

  it('keeps places without private data, skips bad ids and reads unknown states as online', () => {
    const ubx =
      `<Data><EndpointData id="${LAPTOP}"/><EndpointData id="not-a-guid"><Capabilities>0:0</Capabilities></EndpointData>` +
      `<PrivateEndpointData id="${DESKTOP}"><EpName>${'x'.repeat(300)}</EpName><State>XYZ</State></PrivateEndpointData></Data>`;
    expect(parseEndpoints(Buffer.from(ubx))).toEqual([
      { id: LAPTOP, name: '', state: 'NLN' },
      { id: DESKTOP, name: 'x'.repeat(MAX_PLACE_NAME), state: 'NLN' },
    ]);
    expect(parseEndpoints(undefined)).toEqual([]);
    expect(parseEndpoints(Buffer.from('<Data><PSM>no places</PSM></Data>'))).toEqual([]);
    // Escargot's raw `<` in text (MSNP13–15) makes the XML invalid; the places still read.
    expect(
      parseEndpoints(Buffer.from(`<Data><PSM>a <3</PSM><EndpointData id="${LAPTOP}"></EndpointData></Data>`)),
    ).toEqual([{ id: LAPTOP, name: '', state: 'NLN' }]);
  });
});

describe('what a place sends', () => {
  it('UUX: the personal message with the machine GUID, and the place name and status on their own', () => {
    expect(personalMessagePayload('at work', '{7C3A1F21-0000-4C58-9D4D-2A5A8E3C0B11}')).toBe(
      '<Data><PSM>at work</PSM><CurrentMedia></CurrentMedia><MachineGuid>{7C3A1F21-0000-4C58-9D4D-2A5A8E3C0B11}</MachineGuid></Data>',
    );
    expect(privateEndpointPayload({ name: "Tom's <PC> & co", status: 'BSY' })).toBe(
      '<PrivateEndpointData><EpName>Tom&apos;s &lt;PC&gt; &amp; co</EpName><Idle>false</Idle>' +
        '<ClientType>1</ClientType><State>BSY</State></PrivateEndpointData>',
    );
    expect(privateEndpointPayload({ name: 'Laptop', status: 'IDL' })).toContain('<Idle>true</Idle>');
  });

  it('UUN: type 4 with goawyplzthxbye to the other place of the same account', () => {
    const { name, params, payload } = signOutPlaceCommand('alice@example.com', LAPTOP);
    expect(payload).toBe(SIGN_OUT_PAYLOAD);
    expect(encodeCommand(name, ['8', ...params], payload).toString('latin1')).toBe(
      `UUN 8 alice@example.com;${LAPTOP} 4 14\r\ngoawyplzthxbye`,
    );
  });
});

describe('the places of a session', () => {
  function session(dialect: number): { ctx: ClientContext; places: Places; reported: Place[][]; asked: unknown[] } {
    const reported: Place[][] = [];
    const asked: unknown[] = [];
    const ctx = new ClientContext('alice@example.com', (event, payload) => {
      if (event === 'places') reported.push(payload as Place[]);
    });
    ctx.dialect = dialectOf(dialect);
    const places = new Places(ctx, LAPTOP.toUpperCase(), (from) => asked.push(from));
    return { ctx, places, reported, asked };
  }
  const ubx = (...guids: string[]): Buffer =>
    Buffer.from(
      `<Data>${guids.map((g) => `<PrivateEndpointData id="${g}"><EpName>${g === DESKTOP ? 'Desktop' : 'Laptop'}</EpName></PrivateEndpointData>`).join('')}</Data>`,
    );

  it('keeps the places other than this one, and reports changes once announced', () => {
    const { ctx, places, reported } = session(18);
    places.ownData(ubx(LAPTOP, DESKTOP));
    expect(places.others).toEqual([{ id: DESKTOP, name: 'Desktop', state: 'NLN' }]);
    expect(reported).toEqual([]);
    ctx.announced = true;
    places.announce();
    places.ownData(ubx(LAPTOP, DESKTOP));
    places.ownData(ubx(LAPTOP));
    expect(reported).toEqual([[{ id: DESKTOP, name: 'Desktop', state: 'NLN' }], []]);
    places.reset();
    expect(places.others).toEqual([]);
  });

  it('leaves only when its own account asks with the sign-out type and payload', () => {
    const { ctx, places, asked } = session(18);
    places.ownData(ubx(LAPTOP, DESKTOP));
    const ubn = (handle: string, type: string, text: string): void =>
      ctx.route({ name: 'UBN', params: [handle, type, String(text.length)], payload: Buffer.from(text) });
    ubn(`bob@example.com;${DESKTOP}`, '4', SIGN_OUT_PAYLOAD);
    ubn(`alice@example.com;${DESKTOP}`, '3', SIGN_OUT_PAYLOAD);
    ubn(`alice@example.com;${DESKTOP}`, '4', 'please');
    expect(asked).toEqual([]);
    ubn(`1:Alice@Example.com;${DESKTOP.toUpperCase()}`, '4', SIGN_OUT_PAYLOAD);
    ubn('alice@example.com', '4', SIGN_OUT_PAYLOAD);
    expect(asked).toEqual([{ id: DESKTOP, name: 'Desktop', state: 'NLN' }, undefined]);
  });

  it('has nothing to do with places below MSNP16', () => {
    const { ctx, places, asked } = session(15);
    places.ownData(ubx(LAPTOP, DESKTOP));
    ctx.route({ name: 'UBN', params: ['alice@example.com', '4', '14'], payload: Buffer.from(SIGN_OUT_PAYLOAD) });
    expect(places.others).toEqual([]);
    expect(asked).toEqual([]);
  });
});
