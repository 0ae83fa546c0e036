import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { EmulatorApiError } from './errors';

/** Wire protocols the emulator answers in; each has its own error shape the SDK deserialisers expect. */
export type Protocol = 'oidc' | 'rest-json' | 'json-1.1' | 'ec2-query' | 'aws-query' | 'control';

/** AWS bodies are small; a cap keeps a misbehaving client from filling memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new EmulatorApiError('ValidationException', `request body exceeds ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new EmulatorApiError('SerializationException', 'the request body is not valid JSON', 400);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** OIDC answers RFC 6749-style snake_case error codes in the body next to the typed header. */
const OIDC_ERROR_CODES: Record<string, string> = {
  AuthorizationPendingException: 'authorization_pending',
  SlowDownException: 'slow_down',
  ExpiredTokenException: 'expired_token',
  AccessDeniedException: 'access_denied',
  InvalidClientException: 'invalid_client',
  InvalidGrantException: 'invalid_grant',
  InvalidRequestException: 'invalid_request',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  InvalidScopeException: 'invalid_scope',
  UnauthorizedClientException: 'unauthorized_client',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidRedirectUriException: 'invalid_redirect_uri',
  InternalServerException: 'server_error',
};

export function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendApiError(res: ServerResponse, protocol: Protocol, err: EmulatorApiError): void {
  const requestId = randomUUID();
  switch (protocol) {
    case 'oidc':
      res.setHeader('x-amzn-errortype', err.code);
      sendJson(res, err.status, { error: OIDC_ERROR_CODES[err.code] ?? err.code, error_description: err.message });
      return;
    case 'rest-json':
      res.setHeader('x-amzn-errortype', err.code);
      sendJson(res, err.status, { message: err.message });
      return;
    case 'json-1.1':
      sendJson(res, err.status, { __type: err.code, message: err.message }, 'application/x-amz-json-1.1');
      return;
    case 'ec2-query':
      sendText(
        res,
        err.status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        'text/xml;charset=UTF-8',
      );
      return;
    case 'aws-query':
      sendText(
        res,
        err.status,
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        'text/xml',
      );
      return;
    case 'control':
      sendJson(res, err.status, { error: err.code, message: err.message });
  }
}

/** Turns zod issues into the one-line validation message AWS services give. */
export function validationMessage(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const parts = issues.map((i) => `Value at '${i.path.map(String).join('.') || 'request'}' failed to satisfy constraint: ${i.message}`);
  return `${parts.length} validation error${parts.length === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

/** Validates a request body; a mismatch becomes the service's validation error in AWS wording. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, code = 'ValidationException'): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new EmulatorApiError(code, validationMessage(result.error.issues));
  return result.data;
}
