/**
 * Child process for the kill-during-write test: saves profiles in a loop into the folder given
 * as argv[2], printing "saved <n>" after each, until killed.
 */
import { ProfileStore } from '../../../main/core/tunnels/profile-store';

const store = new ProfileStore({ dir: process.argv[2] as string });
const padding = 'x'.repeat(100);
for (let n = 0; ; n++) {
  await store.save({
    name: `writer ${n} ${padding}`,
    source: { type: 'sso', ssoSession: 'corp', accountId: '111122223333', roleName: 'Admin' },
    region: 'eu-west-1',
    target: { type: 'instance', instanceId: 'i-0123456789abcdef0' },
    remotePort: 3389,
    kind: 'rdp',
  });
  process.stdout.write(`saved ${n}\n`);
}
