import { z } from 'zod';
import { event, noArg, request, StreamRefSchema } from './define';

/**
 * IPC channels and events of the shells feature. Owned by that feature; assembled in preload/contract.ts.
 * A tab's I/O is a binary stream (StreamRef): output bytes to the renderer, keystrokes and pastes
 * back. Everything else (open, size, close, status) goes through these channels and events.
 */

export const TerminalSizeSchema = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});

export const ShellStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting') }),
  z.object({ state: z.literal('connected') }),
  z.object({ state: z.literal('reconnecting'), attempt: z.number().int().optional() }),
  z.object({ state: z.literal('exited'), exitCode: z.number().int().optional(), message: z.string(), hint: z.string().optional() }),
  z.object({ state: z.literal('failed'), message: z.string(), hint: z.string().optional() }),
]);
export type ShellStatusInfo = z.infer<typeof ShellStatusSchema>;

const tabId = z.string().regex(/^t[0-9a-f]{12}$/, 'a tab id as returned by shells.open');

export const ShellTabSchema = z.object({
  tabId,
  instanceKey: z.string(),
  title: z.string(),
  instanceId: z.string(),
  platform: z.enum(['Linux', 'Windows', 'MacOS', 'Unknown']),
  status: ShellStatusSchema,
});
export type ShellTabInfo = z.infer<typeof ShellTabSchema>;

/** A custom session document (and its parameters), e.g. one that sets Run As; omitted = the default shell. */
export const ShellStartOptionsSchema = z
  .object({
    documentName: z
      .string()
      .regex(/^[a-zA-Z0-9_.:/-]{3,128}$/, 'a Session Manager document name or ARN')
      .optional(),
    parameters: z.record(z.string().max(100), z.array(z.string().max(4000)).max(20)).optional(),
  })
  .strict();

const instanceKey = z.string().min(1).max(500);

export const StartChoicesSchema = z.object({
  sourceId: z.string(),
  instance: ShellStartOptionsSchema.optional(),
  source: ShellStartOptionsSchema.optional(),
});
export type StartChoices = z.infer<typeof StartChoicesSchema>;

export const shellsChannels = {
  /** Opens a tab on an instance (key from the inventory); the session connects in the background. */
  'shells.open': request(
    z
      .object({
        instanceKey,
        size: TerminalSizeSchema.optional(),
        start: ShellStartOptionsSchema.optional(),
        exitCodeProbe: z.boolean().optional(),
      })
      .strict(),
    ShellTabSchema,
  ),
  /** Open tabs (restoring the previous run's on first call), for a window that (re)loads. */
  'shells.list': request(noArg, z.array(ShellTabSchema)),
  /** A fresh output stream for the tab, starting with the tail of its screen. */
  'shells.attach': request(z.object({ tabId }).strict(), StreamRefSchema),
  'shells.resize': request(z.object({ tabId, size: TerminalSizeSchema }).strict(), z.object({ ok: z.literal(true) })),
  /** Closes the tab and terminates its session (TerminateSession). */
  'shells.close': request(z.object({ tabId }).strict(), z.object({ closed: z.boolean() })),
  /** The session documents chosen for an instance and for its sign-in source (the instance's wins). */
  'shells.startChoices': request(z.object({ instanceKey }).strict(), StartChoicesSchema),
  /** Chooses the document new shells start with, for the instance or its whole source; null = the default shell. */
  'shells.setStartChoice': request(
    z.object({ instanceKey, scope: z.enum(['instance', 'source']), start: ShellStartOptionsSchema.nullable() }).strict(),
    StartChoicesSchema,
  ),
} as const;

export const shellsEvents = {
  'shells.status': event(z.object({ tabId, status: ShellStatusSchema })),
} as const;
