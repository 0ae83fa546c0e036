import { z } from 'zod';
import { channels, type ChannelName, type ChannelResult, type Channels, type IpcError } from '../../preload/contract';
import { isAppError } from '../core/errors';

/** Who is calling; transports fill it in after their own origin checks. */
export interface CallContext {
  transport: 'electron' | 'web';
}

export type Handler<C extends ChannelName> = (
  arg: z.output<Channels[C]['arg']>,
  ctx: CallContext,
) => Promise<ChannelResult<C>> | ChannelResult<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: IpcError };

export interface Dispatcher {
  /** Parses the argument, runs the handler, checks the result; never throws. */
  call(channel: string, rawArg: unknown, ctx: CallContext): Promise<CallOutcome>;
  readonly channelNames: readonly ChannelName[];
}

const isChannel = (name: string): name is ChannelName => Object.hasOwn(channels, name);

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'argument'}: ${i.message}`).join('; ');
}

export function toIpcError(err: unknown): IpcError {
  if (isAppError(err)) return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  if (err instanceof z.ZodError) return { code: 'invalid-argument', message: describeZodError(err) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, hint: 'This is a bug in Bastionless; the log has the details.' };
}

/** The one table: channel → core call, every input parsed with its contract schema first. */
export function createDispatcher(handlers: Handlers, log: (line: string) => void = () => {}): Dispatcher {
  const channelNames = Object.keys(channels) as ChannelName[];
  return {
    channelNames,
    async call(channel, rawArg, ctx) {
      if (!isChannel(channel)) {
        return { ok: false, error: { code: 'unknown-channel', message: `No such channel: ${channel}` } };
      }
      const def = channels[channel];
      const parsed = def.arg.safeParse(rawArg);
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: 'invalid-argument', message: `${channel}: ${describeZodError(parsed.error)}` },
        };
      }
      try {
        const handler = handlers[channel] as (arg: unknown, ctx: CallContext) => unknown;
        const value = await handler(parsed.data, ctx);
        // The result is checked too: a handler drifting from the contract is caught here, in main,
        // rather than as a confusing renderer crash.
        const checked = def.result.safeParse(value);
        if (!checked.success) {
          log(`contract violation in ${channel} result: ${describeZodError(checked.error)}`);
          return { ok: false, error: { code: 'internal', message: `${channel} returned a malformed result` } };
        }
        return { ok: true, value: checked.data };
      } catch (err) {
        const error = toIpcError(err);
        if (error.code === 'internal') log(`${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { ok: false, error };
      }
    },
  };
}
