// Where a server's SOAP services are: the server entry's own URL for each, else its default
// (src/shared/soap-endpoints.ts, shared with the server settings). This is where the engine
// refuses a Microsoft host: the password goes to the login service.
import type { ServerConfig } from '../../../shared/schemas';
import { SOAP_SERVICES, defaultSoapUrls, microsoftHostProblem, type SoapService } from '../../../shared/soap-endpoints';
import { MsnpError } from '../errors';

export type SoapEndpoints = Readonly<Record<SoapService, string>>;

export { soapOrigin } from '../../../shared/soap-endpoints';

export function soapEndpoints(server: ServerConfig): SoapEndpoints {
  const defaults = defaultSoapUrls(server);
  const pick = (key: SoapService): string => {
    const url = server.soap?.[key] ?? defaults[key];
    const problem = microsoftHostProblem(url);
    if (problem !== undefined) throw new MsnpError('invalid', problem);
    return url;
  };
  return Object.fromEntries(SOAP_SERVICES.map((key) => [key, pick(key)])) as Record<SoapService, string>;
}
