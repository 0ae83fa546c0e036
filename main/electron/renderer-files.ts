import { extname, isAbsolute, relative, resolve } from 'node:path';
import { APP_HOST } from './navigation-policy';

/**
 * What the app:// protocol serves: files of the built renderer (out/renderer) and nothing else.
 * Pure path logic, unit-tested; main/electron/app-protocol.ts only reads the file it is told to.
 */

/**
 * The production CSP, sent as a header on every app:// response. style-src needs 'unsafe-inline'
 * because xterm writes inline styles; all networking is in main, so connect-src stays 'self'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Content type by file extension; the web host can serve the same table (it is pure). */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type RendererFileResolution =
  | { ok: true; filePath: string; contentType: string }
  | { ok: false; status: 400 | 403 | 404 | 405; reason: string };

/** Maps an app:// request to a file under rendererRoot, refusing anything that would escape it. */
export function resolveRendererFile(requestUrl: string, method: string, rendererRoot: string): RendererFileResolution {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: `method ${method} not allowed` };
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (url.host !== APP_HOST) return { ok: false, status: 403, reason: `unknown host ${url.host}` };

  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  // Backslashes and NULs never occur in our file names; on Windows a backslash would be a separator.
  if (pathname.includes('\\') || pathname.includes('\0')) return { ok: false, status: 403, reason: 'forbidden path' };
  if (pathname === '/' || pathname === '') pathname = '/index.html';

  const root = resolve(rendererRoot);
  const filePath = resolve(root, `.${pathname}`);
  const inside = relative(root, filePath);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return { ok: false, status: 403, reason: 'path escapes the renderer folder' };
  }
  return { ok: true, filePath, contentType: contentTypeFor(filePath) };
}

/** Headers for every successful app:// response. */
export function rendererResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}
