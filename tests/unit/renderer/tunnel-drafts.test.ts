import { describe, expect, it } from 'vitest';
import { readConfiguredSources } from '../../../main/core/aws/aws-config';
import { ProfileInputSchema } from '../../../main/core/tunnels/profile-schema';
import { draftFromInstance } from '../../../renderer/src/features/tunnels/drafts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('tunnel drafts from an instance', () => {
  const base = { instanceId: 'i-0123456789abcdef0', name: 'ops-1', accountId: '222233334444', region: 'eu-west-1', roleName: 'Admin' };

  it('an instance found through a ~/.aws/config profile is drafted with that profile as its source', () => {
    // The source id as the core gives it to a plain profile.
    const home = mkdtempSync(join(tmpdir(), 'bl-drafts-'));
    writeFileSync(join(home, 'config'), '[profile ops]\nregion = eu-west-1\naws_account_id = 222233334444\ncredential_process = /bin/true\n');
    const [source] = readConfiguredSources({ configFile: join(home, 'config'), credentialsFile: join(home, 'credentials') });
    const draft = draftFromInstance({ ...base, sourceId: source!.id }, 'postgres');
    expect(draft.source).toEqual({ type: 'profile', profile: source!.id, accountId: '222233334444' });
    expect(ProfileInputSchema.safeParse(draft).success).toBe(true);
  });

  it('an instance found through an sso-session keeps the session, account and role', () => {
    const draft = draftFromInstance({ ...base, sourceId: 'corp' }, 'rdp');
    expect(draft).toMatchObject({ name: 'ops-1 RDP', source: { type: 'sso', ssoSession: 'corp', accountId: '222233334444', roleName: 'Admin' }, remotePort: 3389 });
  });
});
