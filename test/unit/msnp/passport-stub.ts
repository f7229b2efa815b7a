// A plain-HTTP Passport 1.4 stand-in for unit tests: a nexus and login routes whose answers the
// test decides, recording every request. (HTTPS and the CA option are covered by the integration
// tests against the reference server.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface StubRequest {
  readonly path: string;
  readonly authorization: string | undefined;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export class PassportStub {
  readonly requests: StubRequest[] = [];
  private readonly routes = new Map<string, Route>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly origin: string,
  ) {
    server.on('request', (req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      this.requests.push({ path, authorization: req.headers.authorization });
      const route = this.routes.get(path);
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
  }

  static async start(): Promise<PassportStub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const stub = new PassportStub(server, `http://127.0.0.1:${address.port}`);
    stub.route('/rdr/pprdr.asp', (_req, res) => {
      res
        .writeHead(200, { PassportURLs: `DARealm=Passport.Net,DALogin=${stub.origin}/login2.srf,ConfigVersion=15` })
        .end();
    });
    return stub;
  }

  get nexusUrl(): string {
    return `${this.origin}/rdr/pprdr.asp`;
  }

  route(path: string, route: Route): void {
    this.routes.set(path, route);
  }

  /** Makes `/login2.srf` issue `ticket`. */
  issue(ticket: string): void {
    this.route('/login2.srf', (_req, res) => {
      res.writeHead(200, { 'Authentication-Info': `Passport1.4 da-status=success,from-PP='${ticket}'` }).end();
    });
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
