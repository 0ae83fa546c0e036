import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { EmulatorApiError } from './errors';
import { sendText } from './http';
import { consentPage, deviceCodeEntryPage, devicePage, resultPage } from './pages';
import { AuthorizeQuery, type SsoOidc } from './sso-oidc';

const HTML = 'text/html; charset=utf-8';

/** Serves the sign-in pages (device verification, PKCE consent); false when the path is not one. */
export async function handlePage(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  oidc: SsoOidc,
  ctx: EmulatorContext,
): Promise<boolean> {
  const users = ctx.fixture().sso.users;
  const startUrl = ctx.fixture().sso.startUrl;
  if (url.pathname === '/device' && req.method === 'GET') {
    const code = url.searchParams.get('user_code');
    if (!code) sendText(res, 200, deviceCodeEntryPage(), HTML);
    else {
      try {
        const device = oidc.deviceByUserCode(code);
        sendText(res, 200, devicePage({ userCode: device.userCode, startUrl, users }), HTML);
      } catch (err) {
        sendText(res, 404, deviceCodeEntryPage((err as Error).message), HTML);
      }
    }
    return true;
  }
  if (url.pathname === '/device' && req.method === 'POST') {
    const form = new URLSearchParams(body.toString('utf8'));
    const code = form.get('user_code') ?? '';
    try {
      if (form.get('decision') === 'approve') {
        oidc.approveDevice(code, form.get('username') || undefined);
        sendText(res, 200, resultPage('Request approved', 'You can close this window and return to the application.', true), HTML);
      } else {
        oidc.denyDevice(code);
        sendText(res, 200, resultPage('Request denied', 'The application will not get access. You can close this window.', false), HTML);
      }
    } catch (err) {
      sendText(res, 400, resultPage('Cannot complete the request', (err as Error).message, false), HTML);
    }
    return true;
  }
  if (url.pathname === '/authorize' && req.method === 'GET') {
    const parsed = AuthorizeQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      sendText(res, 400, resultPage('Invalid authorization request', problems, false), HTML);
      return true;
    }
    try {
      const request = oidc.beginAuthorize(parsed.data);
      if (ctx.autoApprove) redirect(res, oidc.decideAuthorize(request.requestId, true));
      else sendText(res, 200, consentPage({ requestId: request.requestId, clientName: request.clientName, scopes: request.scopes, users }), HTML);
    } catch (err) {
      sendText(res, err instanceof EmulatorApiError ? err.status : 500, resultPage('Invalid authorization request', (err as Error).message, false), HTML);
    }
    return true;
  }
  if (url.pathname === '/authorize' && req.method === 'POST') {
    const form = new URLSearchParams(body.toString('utf8'));
    try {
      redirect(res, oidc.decideAuthorize(form.get('request_id') ?? '', form.get('decision') === 'approve', form.get('username') || undefined));
    } catch (err) {
      sendText(res, 400, resultPage('Cannot complete the request', (err as Error).message, false), HTML);
    }
    return true;
  }
  return false;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}
