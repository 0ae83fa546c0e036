import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, createNavigationPolicy } from '../../../main/electron/navigation-policy';

describe('navigation policy', () => {
  const policy = createNavigationPolicy();

  it('treats only app://bastionless pages as the app', () => {
    expect(policy.isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(policy.isAppUrl('app://bastionless/assets/index.js')).toBe(true);
    expect(policy.isAppUrl('app://other/index.html')).toBe(false);
    expect(policy.isAppUrl('app://user:pw@bastionless/index.html')).toBe(false);
    expect(policy.isAppUrl('file:///etc/passwd')).toBe(false);
    expect(policy.isAppUrl('https://bastionless/index.html')).toBe(false);
    expect(policy.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(policy.isAppUrl('not a url')).toBe(false);
  });

  it('admits the dev server only when it is configured', () => {
    const dev = createNavigationPolicy({ devServerUrl: 'http://localhost:5173/' });
    expect(dev.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(createNavigationPolicy({ devServerUrl: 'file:///tmp/x' }).isAppUrl('file:///tmp/x')).toBe(false);
  });

  it('answers IPC only from the top frame of the app page', () => {
    expect(policy.senderAllowed({ url: APP_ENTRY_URL, isTopFrame: true })).toBe(true);
    expect(policy.senderAllowed({ url: APP_ENTRY_URL, isTopFrame: false })).toBe(false);
    expect(policy.senderAllowed({ url: 'https://evil.example/', isTopFrame: true })).toBe(false);
    expect(policy.senderAllowed({ url: 'about:blank', isTopFrame: true })).toBe(false);
    expect(policy.senderAllowed(null)).toBe(false);
  });

  it.each([
    'https://d-1234567890.awsapps.com/start',
    'https://my-company.awsapps.com/start/#/?tab=accounts',
    'https://ssoins-1234.portal.eu-west-1.app.aws/',
    'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH',
    'https://oidc.eu-central-1.amazonaws.com/authorize?response_type=code',
    'https://signin.aws.amazon.com/',
    'https://eu-west-1.signin.aws.amazon.com/oauth',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html',
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups',
    'https://s3.console.aws.amazon.com/s3/object/logs?region=eu-west-1&prefix=s-1.log',
  ])('opens %s in the browser', (url) => {
    expect(policy.externalUrlAllowed(url)).toBe(true);
  });

  it.each([
    'http://d-1234567890.awsapps.com/start',
    'https://awsapps.com.evil.example/start',
    'https://evilawsapps.com/',
    'https://d-123.awsapps.com:8443/start',
    'https://user@d-123.awsapps.com/start',
    'https://device.sso.us-east-1.amazonaws.com.evil.example/',
    'https://s3.amazonaws.com/bucket/file',
    'https://console.aws.amazon.com.evil.example/',
    'https://a.b.console.aws.amazon.com/',
    'https://example.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://bastionless/index.html',
    'http://127.0.0.1:4566/device',
    'smb://fileserver/share',
  ])('refuses to open %s', (url) => {
    expect(policy.externalUrlAllowed(url)).toBe(false);
  });

  it('allows loopback http only against the emulator', () => {
    const emulator = createNavigationPolicy({ allowLoopbackHttp: true });
    expect(emulator.externalUrlAllowed('http://127.0.0.1:4566/device?user_code=X')).toBe(true);
    expect(emulator.externalUrlAllowed('http://localhost:4566/')).toBe(true);
    expect(emulator.externalUrlAllowed('http://192.168.1.10:4566/')).toBe(false);
  });

  it('allows docs prefixes at a path boundary only', () => {
    const withDocs = createNavigationPolicy({ docsUrlPrefixes: ['https://example.dev/docs', 'http://insecure.example/'] });
    expect(withDocs.externalUrlAllowed('https://example.dev/docs')).toBe(true);
    expect(withDocs.externalUrlAllowed('https://example.dev/docs/tunnels#rdp')).toBe(true);
    expect(withDocs.externalUrlAllowed('https://example.dev/docs-evil/')).toBe(false);
    expect(withDocs.externalUrlAllowed('https://example.dev/')).toBe(false);
    expect(withDocs.externalUrlAllowed('http://insecure.example/')).toBe(false);
  });

  it('grants only sanitized clipboard writes, and only to the app page', () => {
    expect(policy.permissionAllowed('clipboard-sanitized-write', APP_ENTRY_URL)).toBe(true);
    expect(policy.permissionAllowed('clipboard-sanitized-write', 'app://bastionless')).toBe(true);
    expect(policy.permissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const permission of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'unknown']) {
      expect(policy.permissionAllowed(permission, APP_ENTRY_URL)).toBe(false);
    }
  });
});
