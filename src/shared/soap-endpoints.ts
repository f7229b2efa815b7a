// Where a server's SOAP services (MSNP13+) are by default, and which hosts never are: pure, so the
// engine (which refuses them at sign-in, src/main/msnp/soap/endpoints.ts) and the server settings
// (their placeholders and field errors) derive them the same way. Revival servers announce none
// of these addresses, so each is its Escargot path under one origin: the SOAP base's, else the
// nexus URL's, else https://<host>.

export const SOAP_SERVICES = ['rst', 'addressBook', 'sharing', 'storage', 'oim', 'rsi'] as const;
export type SoapService = (typeof SOAP_SERVICES)[number];

export const SOAP_PATHS: Readonly<Record<SoapService, string>> = {
  rst: '/RST.srf',
  addressBook: '/abservice/abservice.asmx',
  sharing: '/abservice/SharingService.asmx',
  storage: '/storageservice/SchematizedStore.asmx',
  oim: '/OimWS/oim.asmx',
  rsi: '/rsi/rsi.asmx',
};

/** What the derivation reads of a server entry. */
export interface SoapServer {
  readonly host: string;
  readonly nexus?: string | undefined;
  readonly soap?: { readonly base?: string | undefined } | undefined;
}

/** The origin the default paths hang under; throws (TypeError) for a base or nexus that is no URL. */
export function soapOrigin(server: SoapServer): string {
  if (server.soap?.base !== undefined) return new URL(server.soap.base).origin;
  if (server.nexus !== undefined) return new URL(server.nexus).origin;
  return `https://${server.host.includes(':') ? `[${server.host}]` : server.host}`;
}

/** Each service's default URL, before any per-service override. */
export function defaultSoapUrls(server: SoapServer): Record<SoapService, string> {
  const origin = soapOrigin(server);
  return Object.fromEntries(SOAP_SERVICES.map((key) => [key, `${origin}${SOAP_PATHS[key]}`])) as Record<
    SoapService,
    string
  >;
}

const MICROSOFT =
  /(?:^|\.)(?:live\.com|msn\.com|passport\.com|passport\.net|hotmail\.com|microsoft\.com|microsoftonline\.com)$/i;

/**
 * Why `url` cannot be a service address: a Microsoft host, where the password would go to the
 * login service of a network that is gone. Undefined when it may be (or is no URL at all).
 */
export function microsoftHostProblem(url: string): string | undefined {
  const host = URL.parse(url)?.hostname;
  if (host === undefined || !MICROSOFT.test(host)) return undefined;
  return `${host} is a Microsoft host; a revival server's own address is needed`;
}
