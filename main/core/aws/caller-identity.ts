import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { AppError } from '../errors';
import type { CredentialsForTarget, SessionTarget } from './target';

/**
 * The ARN a (source, account, role)'s credentials act as, from STS GetCallerIdentity (which needs
 * no permission). It is what DescribeSessions reports as a session's Owner, so "my sessions" are
 * the ones with this ARN. Asked once per (source, account, role) and process.
 */
export type CallerArn = (scope: Pick<SessionTarget, 'sourceId' | 'accountId' | 'roleName' | 'region'>) => Promise<string>;

export function createCallerArn(credentials: CredentialsForTarget, clientConfig: Partial<STSClientConfig> = {}): CallerArn {
  const cache = new Map<string, Promise<string>>();
  return (scope) => {
    const key = `${scope.sourceId}|${scope.accountId}|${scope.roleName}`;
    let arn = cache.get(key);
    if (!arn) {
      const sts = new STSClient({ region: scope.region, credentials: credentials(scope), ...clientConfig });
      arn = sts
        .send(new GetCallerIdentityCommand({}))
        .then(({ Arn }) => {
          if (!Arn) throw new AppError('caller-unknown', 'STS GetCallerIdentity answered without an ARN.', 'Try again; if it persists, check the STS endpoint settings.');
          return Arn;
        })
        .finally(() => sts.destroy());
      // A failure is not remembered: the next listing asks again (expired sign-in, network).
      arn.catch(() => cache.delete(key));
      cache.set(key, arn);
    }
    return arn;
  };
}
