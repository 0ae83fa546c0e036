/**
 * An error the emulator answers with in the real AWS error shape for the protocol at hand
 * (JSON `__type` for JSON protocols, XML `<Error><Code>` for EC2's query protocol).
 */
export class EmulatorApiError extends Error {
  override name = 'EmulatorApiError';
  constructor(
    /** The AWS error code, e.g. "AccessDeniedException", "TargetNotConnected". */
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
