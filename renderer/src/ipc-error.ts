import { BastionlessCallError, IpcErrorSchema, type IpcError } from '../../preload/contract';

/**
 * The main-side error behind a failed call. Over the web bridge it is a BastionlessCallError;
 * through Electron's contextBridge only plain data survives, so an object carrying a valid
 * `error` is accepted too.
 */
export function toIpcError(err: unknown): IpcError {
  if (err instanceof BastionlessCallError) return err.error;
  if (typeof err === 'object' && err !== null && 'error' in err) {
    const carried = IpcErrorSchema.safeParse((err as { error: unknown }).error);
    if (carried.success) return carried.data;
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
