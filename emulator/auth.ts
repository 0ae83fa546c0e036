import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from './context';
import type { CredentialStore } from './credentials';
import { EmulatorApiError } from './errors';
import type { FaultInjector } from './faults';
import { verifySigV4, type SignatureProblem } from './sigv4';

export type SignedFamily = 'ssm' | 'kms' | 'ec2' | 'sts';

/** Who is calling a SigV4 API, as decided by the access key (account, role) and the signing region. */
export interface Caller {
  account: string;
  region: string;
  role: string;
  username: string;
  /** The assumed-role ARN IAM Identity Center roles have, e.g. for DescribeSessions' Owner. */
  arn: string;
}

const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** The error code and message each family answers for a refused signature, as the real services do. */
function signatureError(family: SignedFamily, problem: SignatureProblem): EmulatorApiError {
  if (family === 'ec2') {
    switch (problem.kind) {
      case 'missing':
        return new EmulatorApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 401);
      case 'expired':
        return new EmulatorApiError('RequestExpired', 'Request has expired.', 400);
      case 'clock-skew':
        return new EmulatorApiError('RequestExpired', `Request has expired. ${problem.detail}`, 400);
      case 'mismatch':
      case 'malformed':
      case 'wrong-service':
        return new EmulatorApiError('AuthFailure', `AWS was not able to validate the provided access credentials (${problem.kind}).`, 401);
      default:
        return new EmulatorApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    }
  }
  if (family === 'sts' && (problem.kind === 'unknown-key' || problem.kind === 'bad-session-token')) {
    return new EmulatorApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  switch (problem.kind) {
    case 'missing':
      return new EmulatorApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    case 'malformed':
      return new EmulatorApiError('IncompleteSignatureException', problem.detail, 400);
    case 'unknown-key':
    case 'bad-session-token':
      return new EmulatorApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    case 'expired':
      return new EmulatorApiError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'wrong-service':
      return new EmulatorApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${problem.expected}'. `, 400);
    case 'clock-skew':
      return new EmulatorApiError('InvalidSignatureException', problem.detail, 400);
    case 'mismatch':
      return new EmulatorApiError('InvalidSignatureException', BAD_SIGNATURE, 400);
  }
}

function deniedError(family: SignedFamily, caller: Caller, action: string, resource: string): EmulatorApiError {
  if (family === 'ec2') return new EmulatorApiError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
  return new EmulatorApiError(
    'AccessDeniedException',
    `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    400,
  );
}

/** IAM-style match of "ssm:Describe*" against "ssm:DescribeSessions". */
export function actionAllowed(patterns: readonly string[] | undefined, action: string): boolean {
  if (!patterns) return true;
  return patterns.some((p) => {
    const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
    return re.test(action);
  });
}

export function assumedRoleArn(account: string, role: string, username: string): string {
  return `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${role}_0123456789abcdef/${username}`;
}

export class SignedApiAuth {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly store: CredentialStore,
    private readonly faults: FaultInjector,
  ) {}

  /** Authenticates the signature, then the region and the role's permission for `action`. */
  async authenticate(req: IncomingMessage, body: Buffer, family: SignedFamily): Promise<Caller> {
    const check = await verifySigV4(req, body, family, this.store, this.ctx.now());
    if (!check.ok) throw signatureError(family, check.problem);
    const { creds, region } = check;
    const account = this.ctx.fixture().accounts.find((a) => a.id === creds.account);
    // A region the account has not enabled does not know the account's keys at all.
    if (!account || !account.regions.includes(region)) throw signatureError(family, { kind: 'unknown-key' });
    return { account: creds.account, region, role: creds.role, username: creds.username, arn: assumedRoleArn(creds.account, creds.role, creds.username) };
  }

  authorize(caller: Caller, family: SignedFamily, action: string, resource = '*'): void {
    const role = this.ctx
      .fixture()
      .accounts.find((a) => a.id === caller.account)
      ?.roles.find((r) => r.name === caller.role);
    const fullAction = `${family}:${action}`;
    if (!role || !actionAllowed(role.allow, fullAction) || this.faults.isDenied(caller.account, caller.region))
      throw deniedError(family, caller, fullAction, resource);
  }
}
