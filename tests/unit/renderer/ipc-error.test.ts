import { describe, expect, it } from 'vitest';
import { BastionlessCallError } from '../../../preload/contract';
import { toIpcError } from '../../../renderer/src/ipc-error';

describe('errors from either transport reach the UI with code and hint', () => {
  const error = { code: 'target-not-connected', message: 'web-1 is not connected.', hint: 'Check the agent.' };

  it('web bridge: a BastionlessCallError', () => {
    expect(toIpcError(new BastionlessCallError('shells.open', error))).toEqual(error);
  });

  it('Electron: the plain data contextBridge leaves of it', () => {
    const bridged = { name: 'BastionlessCallError', message: error.message, channel: 'shells.open', error };
    expect(toIpcError(bridged)).toEqual(error);
  });

  it('anything else is reported as internal with its message', () => {
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toIpcError({ error: { nope: 1 } })).toMatchObject({ code: 'internal' });
  });
});
