import { randomUUID } from 'node:crypto';
import type { Caller } from './auth';
import type { EmulatorContext } from './context';
import type { CredentialStore } from './credentials';
import { EmulatorApiError } from './errors';
import { xmlEscape } from './http';

/**
 * The two STS calls plain profiles lead to: GetCallerIdentity ("whose keys are these?", no
 * permission needed) and AssumeRole (role_arn + source_profile chains). Query protocol, XML out.
 * A role can be assumed when the fixture's account has a role of that name.
 */

export const STS_ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole']);

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsService {
  run(action: string, form: URLSearchParams, caller: Caller): string;
}

export function createStsService(ctx: EmulatorContext, store: CredentialStore): StsService {
  const respond = (action: string, result: string) =>
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;

  function assumeRole(form: URLSearchParams, caller: Caller): string {
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const arn = ROLE_ARN.exec(roleArn);
    if (!arn) throw new EmulatorApiError('ValidationError', `${roleArn || 'RoleArn'} is not a valid role ARN (arn:aws:iam::123456789012:role/Name).`, 400);
    if (!SESSION_NAME.test(sessionName)) throw new EmulatorApiError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: 2-64 characters of [\\w+=,.@-]", 400);
    const duration = Number(form.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) throw new EmulatorApiError('ValidationError', 'DurationSeconds must be 900-43200.', 400);
    const account = arn[1]!;
    const role = arn[2]!;
    const target = ctx.fixture().accounts.find((a) => a.id === account);
    if (!target?.roles.some((r) => r.name === role)) {
      throw new EmulatorApiError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const creds = store.issue(account, role, sessionName, ctx.now() + duration * 1000);
    return respond(
      'AssumeRole',
      `<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey><SessionToken>${xmlEscape(creds.sessionToken)}</SessionToken><Expiration>${new Date(creds.expiresAt).toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROAEMULATOR${account}:${xmlEscape(sessionName)}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(role)}/${xmlEscape(sessionName)}</Arn></AssumedRoleUser>`,
    );
  }

  return {
    run(action, form, caller) {
      if (action === 'AssumeRole') return assumeRole(form, caller);
      return respond('GetCallerIdentity', `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>AROAEMULATOR:${xmlEscape(caller.username)}</UserId><Account>${caller.account}</Account>`);
    },
  };
}
