// Where a server's SOAP services are. Revival servers announce none of them (MSNP13-18.md §11.1),
// so each is the server entry's own URL or its Escargot path under one base: the entry's SOAP
// base, else the nexus URL's origin, else https://<host>. Never a Microsoft host: the password
// goes to the login service.
import type { ServerConfig } from '../../../shared/schemas';
import { MsnpError } from '../errors';

export interface SoapEndpoints {
  /** RequestSecurityToken (SSO login). */
  readonly rst: string;
  readonly addressBook: string;
  readonly sharing: string;
  readonly storage: string;
  /** Offline-message sending (Store2). */
  readonly oim: string;
  /** Offline-message retrieval (GetMetadata, GetMessage, DeleteMessages). */
  readonly rsi: string;
}

const PATHS: Readonly<Record<keyof SoapEndpoints, string>> = {
  rst: '/RST.srf',
  addressBook: '/abservice/abservice.asmx',
  sharing: '/abservice/SharingService.asmx',
  storage: '/storageservice/SchematizedStore.asmx',
  oim: '/OimWS/oim.asmx',
  rsi: '/rsi/rsi.asmx',
};

const MICROSOFT =
  /(?:^|\.)(?:live\.com|msn\.com|passport\.com|passport\.net|hotmail\.com|microsoft\.com|microsoftonline\.com)$/i;

/** The origin the default paths hang under. */
export function soapOrigin(server: ServerConfig): string {
  if (server.soap?.base !== undefined) return new URL(server.soap.base).origin;
  if (server.nexus !== undefined) return new URL(server.nexus).origin;
  return `https://${server.host.includes(':') ? `[${server.host}]` : server.host}`;
}

export function soapEndpoints(server: ServerConfig): SoapEndpoints {
  const origin = soapOrigin(server);
  const pick = (key: keyof SoapEndpoints): string => {
    const url = server.soap?.[key] ?? `${origin}${PATHS[key]}`;
    const host = new URL(url).hostname;
    if (MICROSOFT.test(host)) {
      throw new MsnpError('invalid', `${host} is a Microsoft host; a revival server's own address is needed`);
    }
    return url;
  };
  return {
    rst: pick('rst'),
    addressBook: pick('addressBook'),
    sharing: pick('sharing'),
    storage: pick('storage'),
    oim: pick('oim'),
    rsi: pick('rsi'),
  };
}
