import { z } from 'zod';
import { request } from './define';

/**
 * The connectivity doctor's report: for one target and one feature, every check in order with
 * its status, and the first thing that is wrong (one sentence) with its fix. The same shape is
 * printed by `bastionless doctor --json` and crosses IPC to the "Why can't I connect?" panel.
 */

export const DoctorFeatureSchema = z.enum(['shell', 'port', 'remote-port', 'rdp']);
export type DoctorFeature = z.infer<typeof DoctorFeatureSchema>;

/** In the order they run: an earlier failure usually explains the later ones. */
export const DOCTOR_CHECK_IDS = ['sign-in', 'permissions', 'managed', 'ping', 'agent-version', 'document', 'kms', 'start-session'] as const;
export const DoctorCheckIdSchema = z.enum(DOCTOR_CHECK_IDS);
export type DoctorCheckId = z.infer<typeof DoctorCheckIdSchema>;

/** pass: fine; warn: works, with a caveat; fail: this stops the connection; skip: not checked (said why). */
export const DoctorStatusSchema = z.enum(['pass', 'warn', 'fail', 'skip']);
export type DoctorStatus = z.infer<typeof DoctorStatusSchema>;

export const DoctorCheckSchema = z.object({
  id: DoctorCheckIdSchema,
  title: z.string(),
  status: DoctorStatusSchema,
  /** One sentence: what was found. */
  summary: z.string(),
  /** What to do, when the status is fail or warn. */
  fix: z.string().optional(),
  /** Where a number the verdict rests on comes from (the agent-version table's sources). */
  source: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorTargetSchema = z.object({
  instanceId: z.string(),
  name: z.string().optional(),
  sourceId: z.string(),
  accountId: z.string(),
  roleName: z.string(),
  region: z.string(),
});
export type DoctorTarget = z.infer<typeof DoctorTargetSchema>;

export const DoctorReportSchema = z.object({
  target: DoctorTargetSchema,
  feature: DoctorFeatureSchema,
  documentName: z.string(),
  /** True when no check failed (warnings allowed). */
  ok: z.boolean(),
  /** The first failed check, said in one sentence, and its fix. */
  problem: z.object({ check: DoctorCheckIdSchema, sentence: z.string(), fix: z.string() }).optional(),
  checks: z.array(DoctorCheckSchema).length(DOCTOR_CHECK_IDS.length),
  /** Epoch ms. */
  checkedAt: z.number(),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

/** Run the doctor for an instance of the inventory (and a feature), or for a saved tunnel profile (its instance, port and host). */
export const DoctorRunSchema = z.union([
  z
    .object({
      instanceKey: z.string().min(1).max(400),
      feature: DoctorFeatureSchema.default('shell'),
      /** Default: the shell document chosen for the instance (shell), else the feature's usual one. */
      documentName: z.string().regex(/^[a-zA-Z0-9_\-.:/]{3,200}$/).optional(),
      /** The user asked to try: start a session and end it at once. */
      connect: z.boolean().default(false),
    })
    .strict(),
  z.object({ tunnelProfileId: z.string().regex(/^[a-z0-9-]{6,64}$/), connect: z.boolean().default(false) }).strict(),
]);
export type DoctorRun = z.input<typeof DoctorRunSchema>;

export const doctorChannels = {
  /** Read-only checks as the target's role; a session only with connect. */
  'doctor.run': request(DoctorRunSchema, DoctorReportSchema),
} as const;
