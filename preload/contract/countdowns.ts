import { z } from 'zod';
import { event, noArg, request } from './define';

/**
 * IPC of the countdowns: when Session Manager will cut each open shell tab and tunnel (idle
 * timeout, maximum session duration from the account's preferences), and when the sign-in and
 * role credentials behind it run out. Computed in main (main/core/countdown); the renderer only
 * formats "closes in 12 min" against its own clock.
 */

export const CutCauseSchema = z.enum(['idle', 'max-duration', 'sign-in', 'credentials']);
export type CutCauseInfo = z.infer<typeof CutCauseSchema>;

const epochMs = z.number().int().nonnegative();

export const CutSchema = z.object({
  cause: CutCauseSchema,
  at: epochMs,
  /** From here the item warns (badge, notification). */
  warnAt: z.number().int(),
  /** The service ends the session (idle, max-duration); sign-in and credentials only stop reconnects. */
  closes: z.boolean(),
});
export type CutInfo = z.infer<typeof CutSchema>;

export const CountdownItemSchema = z.object({
  /** The tab id (shells) or the profile id (tunnels). */
  id: z.string().min(1).max(200),
  kind: z.enum(['tab', 'tunnel']),
  label: z.string(),
  /** The sign-in source, for "Sign in again". */
  sourceId: z.string(),
  /** The session whose cut comes first (a tunnel may hold several). */
  sessionId: z.string(),
  /** Soonest first. */
  cuts: z.array(CutSchema).max(8),
  /** The soonest cut whose warning time has come. */
  warning: CutSchema.optional(),
  /** The keepalive runs for this item: no idle cut. */
  keepalive: z.boolean(),
  /** The account's preferences could not be read (no ssm:GetDocument): idle and maximum duration unknown. */
  preferencesUnknown: z.boolean(),
});
export type CountdownItemInfo = z.infer<typeof CountdownItemSchema>;

export const CountdownsSchema = z.object({
  items: z.array(CountdownItemSchema),
  /** Main's clock when computed: the renderer counts from here (its clock may differ). */
  now: epochMs,
});
export type CountdownsInfo = z.infer<typeof CountdownsSchema>;

export const countdownsChannels = {
  'countdowns.list': request(noArg, CountdownsSchema),
} as const;

export const countdownsEvents = {
  /** A cut moved (traffic, a new tab, a sign-in) or a warning started. */
  'countdowns.changed': event(CountdownsSchema),
} as const;
