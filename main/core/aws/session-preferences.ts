import { GetDocumentCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import type { SessionLogging, SessionManagerPreferences } from '../countdown/model';
import type { CredentialsForTarget, SessionTarget } from './target';

/**
 * The account-region's Session Manager preferences: the inputs of the `SSM-SessionManagerRunShell`
 * document (GetDocument), which is where the console's "Preferences" page keeps them. Read once
 * per (account, region) and role, and kept for the run; a refusal (no ssm:GetDocument) or a
 * malformed document is remembered as "unknown", so countdowns simply leave out the idle and
 * maximum-duration cuts instead of guessing.
 */

export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';
/** What AWS uses when the preference is empty: 20 minutes. */
export const DEFAULT_IDLE_MINUTES = 20;

/** The document stores numbers as strings ("20"); an empty string means "not set". */
const minutes = (max: number) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'number' ? v : v.trim() === '' ? undefined : Number(v)))
    .pipe(z.number().int().min(1).max(max).optional());

const RunShellContentSchema = z.object({
  inputs: z
    .object({
      idleSessionTimeout: minutes(60).optional(),
      maxSessionDuration: minutes(1440).optional(),
      s3BucketName: z.string().optional(),
      s3KeyPrefix: z.string().optional(),
      cloudWatchLogGroupName: z.string().optional(),
    })
    .passthrough()
    .default({}),
});

/** Parses GetDocument's Content (JSON text) into the timeouts and the log destinations; throws on a malformed document. */
export function parseSessionPreferences(content: string): SessionManagerPreferences {
  const parsed = RunShellContentSchema.parse(JSON.parse(content));
  const { idleSessionTimeout, maxSessionDuration, s3BucketName, s3KeyPrefix, cloudWatchLogGroupName } = parsed.inputs;
  const logging: SessionLogging = {
    ...(s3BucketName?.trim() ? { s3Bucket: s3BucketName.trim(), ...(s3KeyPrefix?.trim() ? { s3KeyPrefix: s3KeyPrefix.trim() } : {}) } : {}),
    ...(cloudWatchLogGroupName?.trim() ? { cloudWatchLogGroup: cloudWatchLogGroupName.trim() } : {}),
  };
  return {
    idleSessionTimeout: idleSessionTimeout ?? DEFAULT_IDLE_MINUTES,
    ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    ...(Object.keys(logging).length ? { logging } : {}),
  };
}

export type PreferencesScope = Pick<SessionTarget, 'sourceId' | 'accountId' | 'roleName' | 'region'>;

export interface SessionPreferencesReader {
  /** The preferences, or undefined when they cannot be read (refused, missing, malformed). */
  get(scope: PreferencesScope): Promise<SessionManagerPreferences | undefined>;
  /** Known without asking (undefined: not asked yet, or unknown). */
  peek(scope: PreferencesScope): SessionManagerPreferences | undefined;
}

/** GetDocument's Content for the preferences document, as the scope's role. */
export type FetchPreferencesDocument = (scope: PreferencesScope) => Promise<string>;

export function ssmPreferencesFetcher(credentials: CredentialsForTarget, clientConfig?: Partial<SSMClientConfig>): FetchPreferencesDocument {
  return async (scope) => {
    const client = new SSMClient({ region: scope.region, credentials: credentials(scope), ...clientConfig });
    try {
      return (await client.send(new GetDocumentCommand({ Name: PREFERENCES_DOCUMENT, DocumentFormat: 'JSON' }))).Content ?? '{}';
    } finally {
      client.destroy();
    }
  };
}

export function createSessionPreferencesReader(options: { fetch: FetchPreferencesDocument; log?: (line: string) => void }): SessionPreferencesReader {
  const answers = new Map<string, Promise<SessionManagerPreferences | undefined>>();
  const known = new Map<string, SessionManagerPreferences>();
  const keyOf = (s: PreferencesScope) => `${s.sourceId}|${s.accountId}|${s.roleName}|${s.region}`;
  const read = async (scope: PreferencesScope): Promise<SessionManagerPreferences> => {
    try {
      return parseSessionPreferences(await options.fetch(scope));
    } catch (err) {
      // An account-region whose preferences were never saved has no such document: AWS's defaults apply.
      if (err instanceof Error && err.name === 'InvalidDocument') return { idleSessionTimeout: DEFAULT_IDLE_MINUTES };
      throw err;
    }
  };
  return {
    get(scope) {
      const key = keyOf(scope);
      let answer = answers.get(key);
      if (!answer) {
        answer = read(scope).then(
          (prefs) => {
            known.set(key, prefs);
            return prefs;
          },
          (err: unknown) => {
            options.log?.(`Session Manager preferences of ${scope.accountId}/${scope.region} unknown: ${err instanceof Error ? err.message : String(err)}`);
            // Asked again next time: the failure may have been the network.
            answers.delete(key);
            return undefined;
          },
        );
        answers.set(key, answer);
      }
      return answer;
    },
    peek(scope) {
      return known.get(keyOf(scope));
    },
  };
}
