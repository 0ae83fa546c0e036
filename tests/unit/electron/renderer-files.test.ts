import { join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, rendererResponseHeaders, resolveRendererFile } from '../../../main/electron/renderer-files';

const root = resolve('/opt/bastionless/out/renderer');

describe('app:// renderer files', () => {
  it('serves index.html for the root and files under the renderer folder', () => {
    expect(resolveRendererFile('app://bastionless/', 'GET', root)).toEqual({
      ok: true,
      filePath: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveRendererFile('app://bastionless/assets/index-abc.js?v=1', 'GET', root)).toEqual({
      ok: true,
      filePath: join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveRendererFile('app://bastionless/assets/font.WOFF2', 'HEAD', root)).toMatchObject({ ok: true, contentType: 'font/woff2' });
    expect(resolveRendererFile('app://bastionless/assets/blob.bin', 'GET', root)).toMatchObject({
      ok: true,
      contentType: 'application/octet-stream',
    });
  });

  it('keeps dot segments the URL parser resolves inside the renderer folder', () => {
    // WHATWG URL parsing folds %2e%2e into ".." and resolves it before we see the path.
    expect(resolveRendererFile('app://bastionless/%2e%2e/%2e%2e/etc/passwd', 'GET', root)).toMatchObject({
      ok: true,
      filePath: join(root, 'etc', 'passwd'),
    });
  });

  it.each([
    'app://bastionless/assets/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://bastionless/..%2f..%2fmain%2findex.js',
    'app://bastionless/assets/..%5c..%5csecret',
    'app://bastionless/a%00.js',
  ])('refuses encoded traversal in %s', (url) => {
    const result = resolveRendererFile(url, 'GET', root);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status).toBe(403);
  });

  it('never resolves outside the renderer folder, whatever the path', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '%2f', '%5c', '..%2f', 'assets', 'index.html', '%00', ''),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const result = resolveRendererFile(`app://bastionless/${segments.join('/')}`, 'GET', root);
        return !result.ok || result.filePath.startsWith(root + sep);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses other hosts, methods and malformed encodings', () => {
    expect(resolveRendererFile('app://elsewhere/index.html', 'GET', root)).toMatchObject({ ok: false, status: 403 });
    expect(resolveRendererFile('app://bastionless/index.html', 'POST', root)).toMatchObject({ ok: false, status: 405 });
    expect(resolveRendererFile('app://bastionless/%E0%A4%A', 'GET', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveRendererFile('::::', 'GET', root)).toMatchObject({ ok: false, status: 400 });
  });

  it('sends the strict CSP with every file', () => {
    const headers = rendererResponseHeaders('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('font-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});
