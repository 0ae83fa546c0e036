import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SignedApiAuth, Caller, SignedFamily } from './auth';
import type { EmulatorContext } from './context';
import { EmulatorApiError } from './errors';
import type { ApiFamily, FaultInjector } from './faults';
import { parseJsonBody, readBody, sendApiError, sendJson, sendText, type Protocol } from './http';
import type { SessionHub } from './sessions/hub';
import type { SsoOidc } from './sso-oidc';
import type { SsoPortal } from './sso-portal';
import { handlePage } from './page-routes';
import { STS_ACTIONS, type StsService } from './sts';

/** One operation of a SigV4-signed service. `resource` names what IAM would check, for AccessDenied messages. */
export interface SignedOperation {
  run(input: unknown, caller: Caller): Promise<unknown> | unknown;
  resource?(input: unknown, caller: Caller): string;
}

export interface JsonService {
  family: Extract<SignedFamily, 'ssm' | 'kms'>;
  /** X-Amz-Target prefix, e.g. "AmazonSSM". */
  targetPrefix: string;
  operations: Record<string, SignedOperation>;
}

export interface QueryService {
  family: 'ec2';
  operations: Record<string, SignedOperation>;
  /** Renders a successful result as the query protocol's XML. */
  render(action: string, result: unknown): string;
}

export interface ControlHandler {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void>;
}

export interface ServerParts {
  ctx: EmulatorContext;
  faults: FaultInjector;
  auth: SignedApiAuth;
  oidc: SsoOidc;
  portal: SsoPortal;
  jsonServices: JsonService[];
  query: QueryService;
  sts: StsService;
  control: ControlHandler;
  hub: () => SessionHub | undefined;
}

const OIDC_ROUTES: Record<string, { api: string; run: (oidc: SsoOidc, input: unknown) => object }> = {
  '/client/register': { api: 'RegisterClient', run: (o, i) => o.registerClient(i) },
  '/device_authorization': { api: 'StartDeviceAuthorization', run: (o, i) => o.startDeviceAuthorization(i) },
  '/token': { api: 'CreateToken', run: (o, i) => o.createToken(i) },
};

type Headers = IncomingMessage['headers'];
const PORTAL_ROUTES: Record<string, { method: string; api: string; run: (p: SsoPortal, q: URLSearchParams, h: Headers) => object }> = {
  '/assignment/accounts': { method: 'GET', api: 'ListAccounts', run: (p, q, h) => p.listAccounts(q, h) },
  '/assignment/roles': { method: 'GET', api: 'ListAccountRoles', run: (p, q, h) => p.listAccountRoles(q, h) },
  '/federation/credentials': { method: 'GET', api: 'GetRoleCredentials', run: (p, q, h) => p.getRoleCredentials(q, h) },
  '/logout': { method: 'POST', api: 'Logout', run: (p, _q, h) => p.logout(h) },
};

export function createEmulatorServer(parts: ServerParts): Server {
  const { ctx, faults } = parts;

  async function answer(res: ServerResponse, protocol: Protocol, api: string, family: ApiFamily, work: () => Promise<{ caller?: Caller; send: () => void }>) {
    let caller: Caller | undefined;
    try {
      const result = await work();
      caller = result.caller;
      result.send();
      faults.record({ api, family, ...(caller ? { account: caller.account, region: caller.region } : {}), outcome: 'OK' });
    } catch (err) {
      const apiError =
        err instanceof EmulatorApiError
          ? err
          : new EmulatorApiError(protocol === 'oidc' ? 'InternalServerException' : 'InternalServerError', `emulator bug: ${(err as Error).message}`, 500);
      if (!(err instanceof EmulatorApiError)) console.error(`[emulator] ${api} failed:`, err);
      faults.record({ api, family, outcome: apiError.code });
      sendApiError(res, protocol, apiError);
    }
  }

  async function signed(req: IncomingMessage, body: Buffer, family: SignedFamily, api: string, op: SignedOperation | undefined, input: () => unknown) {
    const caller = await parts.auth.authenticate(req, body, family);
    await faults.beforeCall(api, family);
    if (!op) throw new EmulatorApiError(family === 'ec2' ? 'InvalidAction' : 'UnknownOperationException', `The emulator does not implement ${family}:${api}`, 400);
    const parsed = input();
    parts.auth.authorize(caller, family, api, op.resource?.(parsed, caller) ?? '*');
    return { caller, result: await op.run(parsed, caller) };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', ctx.baseUrl() || 'http://127.0.0.1');
    const body = await readBody(req);
    const path = url.pathname;

    if (path.startsWith('/_emulator/')) return parts.control.handle(req, res, url, body);
    if (await handlePage(req, res, url, body, parts.oidc, ctx)) return;

    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix, op = ''] = target.split('.');
      const service = parts.jsonServices.find((s) => s.targetPrefix === prefix);
      if (service) {
        return answer(res, 'json-1.1', op, service.family, async () => {
          const { caller, result } = await signed(req, body, service.family, op, service.operations[op], () => parseJsonBody(body));
          return { caller, send: () => sendJson(res, 200, result ?? {}, 'application/x-amz-json-1.1') };
        });
      }
    }

    const oidcRoute = req.method === 'POST' ? OIDC_ROUTES[path] : undefined;
    if (oidcRoute) {
      return answer(res, 'oidc', oidcRoute.api, 'oidc', async () => {
        await faults.beforeCall(oidcRoute.api, 'oidc');
        const result = oidcRoute.run(parts.oidc, parseJsonBody(body));
        return { send: () => sendJson(res, 200, result) };
      });
    }

    const portalRoute = PORTAL_ROUTES[path];
    if (portalRoute && req.method === portalRoute.method) {
      return answer(res, 'rest-json', portalRoute.api, 'portal', async () => {
        await faults.beforeCall(portalRoute.api, 'portal');
        const result = portalRoute.run(parts.portal, url.searchParams, req.headers);
        return { send: () => sendJson(res, 200, result) };
      });
    }

    if (req.method === 'POST' && path === '/' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? '';
      // STS shares the query protocol (the SigV4 scope says which service was meant).
      if (STS_ACTIONS.has(action)) {
        return answer(res, 'aws-query', action, 'sts', async () => {
          const caller = await parts.auth.authenticate(req, body, 'sts');
          await faults.beforeCall(action, 'sts');
          const xml = parts.sts.run(action, form, caller);
          return { caller, send: () => sendText(res, 200, xml, 'text/xml') };
        });
      }
      return answer(res, 'ec2-query', action, 'ec2', async () => {
        const { caller, result } = await signed(req, body, 'ec2', action, parts.query.operations[action], () => form);
        return { caller, send: () => sendText(res, 200, parts.query.render(action, result), 'text/xml;charset=UTF-8') };
      });
    }

    sendText(
      res,
      404,
      `The Bastionless emulator has no route for ${req.method} ${path}. Point SDK clients at ${ctx.baseUrl()} with the AWS_ENDPOINT_URL_* variables it printed; see /_emulator/ for the control API.\n`,
      'text/plain; charset=utf-8',
    );
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof EmulatorApiError) return sendApiError(res, 'control', err);
      console.error('[emulator] request failed:', err);
      if (!res.headersSent) sendText(res, 500, `emulator error: ${(err as Error).message}\n`, 'text/plain');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const hub = parts.hub();
    if (hub && hub.handleUpgrade(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return server;
}

