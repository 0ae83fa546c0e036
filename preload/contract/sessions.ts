import { z } from 'zod';
import { event, IpcErrorSchema, request } from './define';

/**
 * Session history across every signed-in account-region (DescribeSessions, merged), and
 * terminating one (TerminateSession). The same shapes are the CLI's `sessions --json` output.
 */

export const SessionStatusSchema = z.enum(['Connected', 'Connecting', 'Disconnected', 'Terminated', 'Terminating', 'Failed', 'Unknown']);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** Where a session was found, and as whom it is asked about and terminated. */
export const SessionScopeSchema = z.object({
  sourceId: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  roleName: z.string(),
  region: z.string(),
});
export type SessionScope = z.infer<typeof SessionScopeSchema>;

export const SessionRecordSchema = z.object({
  /** `${sourceId}/${accountId}/${region}/${sessionId}`; treat as opaque. */
  key: z.string().min(1).max(700),
  sessionId: z.string().min(1).max(96),
  scope: SessionScopeSchema,
  /** Instance id, and its Name when the inventory knows the instance. */
  target: z.string(),
  targetName: z.string().optional(),
  /** DescribeSessions' State: Active (connected or disconnected) or History (ended, last 30 days). */
  state: z.enum(['Active', 'History']),
  status: SessionStatusSchema,
  /** Epoch milliseconds. */
  startDate: z.number().optional(),
  endDate: z.number().optional(),
  documentName: z.string().optional(),
  /** The ARN that started it. */
  owner: z.string().optional(),
  reason: z.string().optional(),
  /** Started by the signed-in identity of its account-region (same ARN). */
  mine: z.boolean(),
  /** One of this app's own shell tabs or tunnels: terminating it closes that tab or tunnel. */
  local: z.object({ kind: z.enum(['tab', 'tunnel']), label: z.string() }).optional(),
  /** Console pages of this session's log, when the account's preferences send logs to CloudWatch or S3. */
  logs: z.object({ cloudWatch: z.string().url().optional(), s3: z.string().url().optional() }).optional(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

/** How one account-region answered; a failure stays on its own row and never hides the rest. */
export const SessionScopeResultSchema = z.object({
  scope: SessionScopeSchema,
  state: z.enum(['done', 'error']),
  sessions: z.number().int().min(0),
  error: IpcErrorSchema.optional(),
});
export type SessionScopeResult = z.infer<typeof SessionScopeResultSchema>;

export const SessionListingSchema = z.object({
  /** Newest first. */
  sessions: z.array(SessionRecordSchema),
  scopes: z.array(SessionScopeResultSchema),
});
export type SessionListing = z.infer<typeof SessionListingSchema>;

export const SessionQuerySchema = z
  .object({
    state: z.enum(['active', 'history', 'all']).default('all'),
    /** An instance id: only sessions on it. */
    target: z.string().regex(/^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/, 'an instance id such as i-0123456789abcdef0').optional(),
    /** Only sessions the signed-in identity started. */
    mine: z.boolean().default(false),
    /** Only this session (to find which account-region it lives in). */
    sessionId: z.string().regex(/^[A-Za-z0-9_.@=,+-]{1,96}$/, 'a session id such as alice@example.com-0123456789abcdef0').optional(),
  })
  .strict();
export type SessionQuery = z.input<typeof SessionQuerySchema>;

export const sessionsChannels = {
  /**
   * Lists sessions everywhere; each account-region's answer also arrives as a sessions.scope event
   * tagged with `requestId`, so a view can show them as they come (as the inventory streams).
   */
  'sessions.list': request(z.object({ requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }).strict(), SessionListingSchema),
  /** Ends a session of the last listing: this app's own tabs and tunnels close, others get TerminateSession. */
  'sessions.terminate': request(z.object({ key: z.string().min(1).max(700) }).strict(), z.object({ sessionId: z.string(), closedLocally: z.boolean() })),
} as const;

export const sessionsEvents = {
  'sessions.scope': event(z.object({ requestId: z.string(), result: SessionScopeResultSchema, sessions: z.array(SessionRecordSchema) })),
} as const;
