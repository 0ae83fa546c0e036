import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebApp, type RunningApp } from '../../support/web-app';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with "open" or the HTTP status the upgrade was refused with. */
function tryWebSocket(port: number, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('web host security', () => {
  let app: RunningApp;
  let port: number;
  let cookie: string;

  beforeAll(async () => {
    app = await startWebApp();
    port = app.web.port;
    const index = await get(port, `/?token=${app.web.token}`);
    expect(index.status).toBe(200);
    const setCookie = index.headers['set-cookie'];
    cookie = (Array.isArray(setCookie) ? setCookie[0]! : String(setCookie)).split(';')[0]!;
  });
  afterAll(() => app?.close());

  it('listens on 127.0.0.1 only', () => {
    expect(app.web.origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('serves the page only with the right token, and sets a strict, HttpOnly cookie', async () => {
    expect((await get(port, '/')).status).toBe(403);
    expect((await get(port, '/?token=wrong')).status).toBe(403);
    expect((await get(port, `/?token=${app.web.token}x`)).status).toBe(403);
    const ok = await get(port, `/?token=${app.web.token}`);
    expect(ok.body).toContain('<div id="root">');
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(ok.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('serves assets only to the cookie holder, and nothing outside the renderer', async () => {
    const index = await get(port, '/', { cookie });
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    expect(asset).toBeDefined();
    expect((await get(port, `/${asset}`)).status).toBe(403);
    expect((await get(port, `/${asset}`, { cookie })).status).toBe(200);
    expect((await get(port, '/../package.json', { cookie })).status).toBe(404);
    expect((await get(port, '/%2e%2e/%2e%2e/package.json', { cookie })).status).toBe(404);
    expect((await get(port, '/nope.js', { cookie })).status).toBe(404);
    expect((await get(port, '/', { cookie }, 'POST')).status).toBe(405);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get(port, `/?token=${app.web.token}`, { host: `evil.example:${port}` })).status).toBe(403);
  });

  it('opens the IPC socket only for our origin with the token cookie', async () => {
    const origin = `http://127.0.0.1:${port}`;
    expect(await tryWebSocket(port, { origin, cookie })).toBe('open');
    expect(await tryWebSocket(port, { origin: 'http://evil.example', cookie })).toBe(403);
    expect(await tryWebSocket(port, { cookie })).toBe(403);
    expect(await tryWebSocket(port, { origin })).toBe(403);
    expect(await tryWebSocket(port, { origin, cookie: 'bastionless_token=wrong' })).toBe(403);
  });

  it('streams output as a GET body only to the cookie holder, only once its socket attached it, and ends it before saying so', async () => {
    const stream = app.host.streams.create();
    expect((await get(port, `/stream/${stream.id}`)).status).toBe(403);
    expect((await get(port, '/stream/snosuchstream', { cookie })).status).toBe(404);
    expect((await get(port, `/stream/${stream.id}`, { cookie }, 'HEAD')).status).toBe(405);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, { headers: { origin: `http://127.0.0.1:${port}`, cookie } });
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    const events: string[] = [];
    ws.on('message', (data) => events.push(`ws ${String(data)}`));
    // The GET may arrive before the attach it belongs to: it waits for it.
    const body = new Promise<Reply>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/stream/${stream.id}`, headers: { cookie } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          events.push('body ended');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        });
      });
      req.on('error', reject);
      req.end();
    });
    ws.send(JSON.stringify({ t: 'attach', s: stream.id }));
    await stream.write(Buffer.from('hello '));
    await stream.write(Buffer.from('world'));
    // A second reader of the same stream is refused while the first reads.
    await expect.poll(async () => (await get(port, `/stream/${stream.id}`, { cookie })).status).toBe(409);
    stream.end('done');
    const reply = await body;
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toBe('hello world');
    await expect.poll(() => events.length).toBe(2);
    expect(events).toEqual(['body ended', `ws ${JSON.stringify({ t: 'end', s: stream.id, reason: 'done' })}`]);
    ws.close();
  });

  it('answers calls, and refuses malformed ones with a readable error', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, { headers: { origin: `http://127.0.0.1:${port}`, cookie } });
    const replies: unknown[] = [];
    let wanted = 0;
    let arrived: () => void = () => {};
    ws.on('message', (data) => {
      replies.push(JSON.parse(String(data)));
      if (replies.length >= wanted) arrived();
    });
    const waitFor = (n: number) =>
      new Promise<void>((resolve) => {
        wanted = n;
        arrived = resolve;
        if (replies.length >= n) resolve();
      });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ t: 'call', id: 1, ch: 'app.echo', arg: { text: 'ping' } }));
    ws.send(JSON.stringify({ t: 'call', id: 2, ch: 'app.echo', arg: { text: 'x', extra: true } }));
    ws.send(JSON.stringify({ t: 'call', id: 3, ch: 'no.such', arg: {} }));
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'call', id: 4, ch: 'app.info' }));
    await waitFor(4);
    ws.close();
    const byId = new Map((replies as Array<{ id: number }>).map((r) => [r.id, r as Record<string, unknown>]));
    expect(byId.get(1)).toMatchObject({ ok: true, value: { text: 'ping' } });
    expect(byId.get(2)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(String((byId.get(2)?.error as { message: string }).message)).toMatch(/extra|Unrecognized/i);
    expect(byId.get(3)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(byId.get(4)).toMatchObject({ ok: true, value: { name: 'Bastionless', transport: 'web' } });
  });
});
