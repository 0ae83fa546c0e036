import { describe, expect, it } from 'vitest';
import { sessionLogLinks } from '../../../main/core/sessions/log-links';

describe('session log links', () => {
  it('nothing without logging; the CloudWatch stream is the session id, encoded the way the console reads it', () => {
    expect(sessionLogLinks('eu-west-1', 'alice-0123', undefined)).toEqual({});
    expect(sessionLogLinks('us-east-1', 'alice@example.com-0123', { cloudWatchLogGroup: '/aws/ssm/team a' }).cloudWatch).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Fssm$252Fteam$2520a/log-events/alice$2540example.com-0123',
    );
  });
  it('S3: <prefix>/<session id>.log, with or without a prefix and its slashes', () => {
    expect(sessionLogLinks('eu-west-1', 's-1', { s3Bucket: 'logs' }).s3).toBe('https://s3.console.aws.amazon.com/s3/object/logs?region=eu-west-1&prefix=s-1.log');
    expect(sessionLogLinks('eu-west-1', 's-1', { s3Bucket: 'logs', s3KeyPrefix: '/a/b/' }).s3).toBe('https://s3.console.aws.amazon.com/s3/object/logs?region=eu-west-1&prefix=a%2Fb%2Fs-1.log');
  });
});
