/**
 * The one error type the SSM protocol code throws for bad input from the wire.
 *
 * How to use: `catch (e) { if (e instanceof ProtocolError) ... e.code ... }`. Decoders and payload
 * parsers throw nothing else for malformed bytes, so callers can drop the frame (and, per the spec,
 * not acknowledge it) without guessing what went wrong.
 */

export type ProtocolErrorCode =
  | 'FRAME_TOO_SHORT'
  | 'BAD_HEADER_LENGTH'
  | 'BAD_MESSAGE_TYPE'
  | 'ZERO_CREATED_DATE'
  | 'DIGEST_MISMATCH'
  | 'FIELD_OUT_OF_RANGE'
  | 'EMPTY_PAYLOAD'
  | 'BAD_PAYLOAD'
  | 'BAD_UUID'
  | 'SMUX_PROTOCOL'
  | 'DECRYPT_FAILED';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
