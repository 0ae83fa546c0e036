import type { SessionLogging } from '../countdown/model';

/**
 * Console pages of one session's log, where the account's Session Manager preferences send logs:
 * the CloudWatch log stream Session Manager names after the session id, and the S3 object
 * `<prefix>/<session id>.log`.
 */
export interface SessionLogLinks {
  cloudWatch?: string;
  s3?: string;
}

/** The CloudWatch console's fragment encoding: URI-encode, then write each "%" as "$25". */
const consoleFragment = (part: string) => encodeURIComponent(part).replace(/%/g, '$25');

export function sessionLogLinks(region: string, sessionId: string, logging: SessionLogging | undefined): SessionLogLinks {
  if (!logging) return {};
  const links: SessionLogLinks = {};
  if (logging.cloudWatchLogGroup) {
    links.cloudWatch = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${consoleFragment(logging.cloudWatchLogGroup)}/log-events/${consoleFragment(sessionId)}`;
  }
  if (logging.s3Bucket) {
    const prefix = logging.s3KeyPrefix?.replace(/^\/+|\/+$/g, '');
    const key = `${prefix ? `${prefix}/` : ''}${sessionId}.log`;
    links.s3 = `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(logging.s3Bucket)}?region=${region}&prefix=${encodeURIComponent(key)}`;
  }
  return links;
}
