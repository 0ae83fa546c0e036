import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME } from './navigation-policy';
import { rendererResponseHeaders, resolveRendererFile } from './renderer-files';

/**
 * The renderer is served from app://bastionless/ rather than file://, so it has a real origin
 * (IPC sender checks, CSP 'self') and file:// keeps no special powers (the
 * grantFileProtocolExtraPrivileges fuse is off in packaged builds).
 */

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function serveRenderer(rendererRoot: string, log: (line: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveRendererFile(request.url, request.method, rendererRoot);
    if (!resolved.ok) {
      log(`app:// refused ${request.url}: ${resolved.reason}`);
      return new Response(resolved.reason, { status: resolved.status, headers: { 'content-type': 'text/plain' } });
    }
    try {
      const body = await readFile(resolved.filePath);
      return new Response(request.method === 'HEAD' ? null : body, { headers: rendererResponseHeaders(resolved.contentType) });
    } catch {
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
  });
}
