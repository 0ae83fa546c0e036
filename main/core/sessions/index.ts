import type { AwsServices } from '../aws/index';
import { SessionHistoryService, type LocalSession } from './history';

export { SessionHistoryService, sessionKey, type LocalSession } from './history';

/** Session history over the AWS services' inventory scopes, session API and caller identity. */
export function createSessionHistory(aws: Pick<AwsServices, 'inventory' | 'sessions' | 'callerArn' | 'sessionPreferences'>, local?: () => LocalSession[]): SessionHistoryService {
  return new SessionHistoryService({
    scopes: () => aws.inventory.scopes(),
    instanceName: (scope, instanceId) => aws.inventory.find(`${scope.sourceId}/${scope.accountId}/${scope.region}/${instanceId}`)?.name,
    api: aws.sessions,
    callerArn: aws.callerArn,
    logging: async (scope) => (await aws.sessionPreferences.get(scope))?.logging,
    ...(local ? { local } : {}),
  });
}
