import { createHash } from 'node:crypto';
import { EmulatorApiError } from './errors';

/**
 * Opaque page tokens bound to the query that produced them, so a token replayed against a
 * different query (or edited) is refused the way AWS refuses it, instead of silently paging wrong.
 */
function queryDigest(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  all: readonly T[],
  opts: { nextToken?: string | undefined; pageSize: number; query: unknown; invalidTokenCode: string },
): Page<T> {
  let offset = 0;
  if (opts.nextToken !== undefined && opts.nextToken !== '') {
    offset = decodeToken(opts.nextToken, opts.query, opts.invalidTokenCode);
    if (offset > all.length) throw new EmulatorApiError(opts.invalidTokenCode, 'The specified token is not valid.');
  }
  const items = all.slice(offset, offset + opts.pageSize);
  const next = offset + items.length;
  return next < all.length ? { items, nextToken: encodeToken(next, opts.query) } : { items };
}

function encodeToken(offset: number, query: unknown): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryDigest(query) })).toString('base64url');
}

function decodeToken(token: string, query: unknown, code: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === queryDigest(query)) return parsed.o;
  } catch {
    // fall through to the AWS-shaped error below
  }
  throw new EmulatorApiError(code, 'The specified token is not valid. Pass the NextToken of the previous page of the same query unchanged.');
}
