/**
 * An error meant for the person using the app: `code` is stable for programs, the message says
 * what happened, and `hint` says what to do about it. Anything else thrown in the core is a bug
 * and is reported as "internal".
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
