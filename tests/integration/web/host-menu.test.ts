import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostContext, type HostContext } from '../../../main/ipc/host';

describe('tray / quick-connect items are routed by the host', () => {
  let host: HostContext;
  let dir: string;
  const previousDataDir = process.env.BASTIONLESS_DATA_DIR;
  const seen: Array<[string, unknown]> = [];
  const actions: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bastionless-host-'));
    process.env.BASTIONLESS_DATA_DIR = dir;
    host = createHostContext({ emulator: true, shellActions: { open: () => actions.push('open'), quit: () => actions.push('quit') } });
    host.events.subscribe((event, payload) => seen.push([event, payload]));
  });
  afterAll(async () => {
    await host.dispose();
    if (previousDataDir === undefined) delete process.env.BASTIONLESS_DATA_DIR;
    else process.env.BASTIONLESS_DATA_DIR = previousDataDir;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a recent instance opens a shell in the window, which is brought forward', () => {
    expect(host.activateMenuItem('instance.shell:corp/111122223333/eu-west-1/i-0abc12345678')).toBe(true);
    expect(seen).toContainEqual(['app.openShell', { instanceKey: 'corp/111122223333/eu-west-1/i-0abc12345678' }]);
    expect(actions).toEqual(['open']);
  });

  it('"Sign in…" shows the sign-in screen', () => {
    expect(host.activateMenuItem('signin.start')).toBe(true);
    expect(seen).toContainEqual(['app.navigate', { view: 'login' }]);
  });

  it('Quit is the host’s; unknown items are not handled', () => {
    expect(host.activateMenuItem('app.quit')).toBe(true);
    expect(actions).toContain('quit');
    expect(host.activateMenuItem('nonsense:1')).toBe(false);
  });
});
