import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostContext } from '../ipc/host';
import { AppError } from '../core/errors';
import { serveWebSocketClient } from './connection';
import { HttpStreamClaims } from './http-streams';
import {
  contentSecurityPolicy,
  cookieToken,
  hostHeaderAllowed,
  originAllowed,
  TOKEN_COOKIE,
  tokensEqual,
} from './security';

/**
 * The web host: serves the built renderer and carries the IPC contract over a WebSocket, on
 * 127.0.0.1 only. It is how the app runs in a browser (end-to-end tests, WSL, headless boxes).
 * Nothing but the renderer's files and the /ipc socket is served.
 */

export interface WebHostOptions {
  host: HostContext;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Per-run secret; random unless a test fixes it. */
  token?: string;
  /** The command that started the host and printed its URL (e.g. `npm run demo:web`), for the 403 page. */
  launchCommand?: string;
  log?: (line: string) => void;
}

export interface WebHost {
  /** URL to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Source maps are never served, even if a development build left some in the folder. */
const NEVER_SERVED = new Set(['.map']);

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${message}\n`);
}

/** The request's URL and its decoded path; undefined when either is malformed (answered 400). */
function parseRequestPath(raw: string | undefined, port: number): { url: URL; path: string } | undefined {
  try {
    const url = new URL(raw ?? '/', `http://127.0.0.1:${port}`);
    return { url, path: decodeURIComponent(url.pathname) };
  } catch {
    return undefined;
  }
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  const log = options.log ?? (() => {});
  let port = 0;
  const forbiddenMessage = `Forbidden: this address needs this run's secret token.\nOpen the URL that ${options.launchCommand ? `\`${options.launchCommand}\`` : 'Bastionless'} printed when it started, token included (it ends in ?token=…).`;

  try {
    await stat(resolve(root, 'index.html'));
  } catch {
    throw new AppError(
      'renderer-not-built',
      `The renderer is not built: ${resolve(root, 'index.html')} is missing.`,
      'Run `npm run build:renderer` (or `npm run web`, which builds it first).',
    );
  }

  const sockets = new Set<WebSocket>();
  const claims = new HttpStreamClaims();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      log(`web host: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, 500, 'internal error');
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostHeaderAllowed(req, port)) return refuse(res, 403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const request = parseRequestPath(req.url, port);
    const url = request?.url;
    const isIndex = url?.pathname === '/' || url?.pathname === '/index.html';
    const queryToken = url?.searchParams.get('token');
    const authorised = tokensEqual(token, isIndex && queryToken ? queryToken : cookieToken(req));
    if (!authorised) return refuse(res, 403, forbiddenMessage);
    // Checked after the token, so a stranger learns nothing about what the path would have hit.
    if (!request) return refuse(res, 400, 'bad request: the path is not a valid URL (malformed percent-encoding?)');
    const { path } = request;

    const streamPath = /^\/stream\/(s[0-9a-z]{1,24})$/.exec(path);
    if (streamPath) {
      if (req.method !== 'GET') return refuse(res, 405, 'method not allowed');
      const id = streamPath[1]!;
      const sink = await claims.take(id, options.host.streams.get(id) !== undefined);
      if (!sink) return refuse(res, 404, 'no such stream');
      sink.bind(res);
      return;
    }

    const file = resolve(root, isIndex ? 'index.html' : `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return refuse(res, 404, 'not found');
    if (NEVER_SERVED.has(extname(file))) return refuse(res, 404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(res, 404, 'not found');
    }
    const headers: Record<string, string> = {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': isIndex ? 'no-store' : 'private, max-age=3600',
    };
    if (isIndex) headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const ok =
      url.pathname === '/ipc' &&
      hostHeaderAllowed(req, port) &&
      originAllowed(req, port) &&
      tokensEqual(token, cookieToken(req));
    if (!ok) {
      log(`web host: refused WebSocket from origin ${req.headers.origin ?? '(none)'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveWebSocketClient(ws, options.host, claims, log);
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new AppError('port-in-use', `Port ${options.port} on 127.0.0.1 is already in use.`, 'Pick another with --port, or --port 0 for a free one.')
          : err,
      );
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
