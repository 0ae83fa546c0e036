import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../emulator/cli';
import { startEmulator, EmulatorStartError, type RunningEmulator } from '../../../emulator/index';
import { emulatorRoleCredentials, signInToEmulator } from '../../../emulator/sdk-login';
import { demoFixture } from './fixture-helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO = 'emulator/fixtures/demo.json';

async function control(emu: RunningEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('control API over HTTP', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: demoFixture() });
  });
  afterAll(() => emu.stop());

  it('sets, merges and clears every fault switch, and refuses unknown ones', async () => {
    const patch = {
      latencyMs: { ListAccounts: 5 },
      throttleEvery: { '*': 100 },
      ssoTokenTtlSeconds: 120,
      roleCredentialsTtlSeconds: 60,
      dropSocketAfterBytes: 4096,
      dropSocketAfterSeconds: 2.5,
      recycleAfterSeconds: 10,
      reorderRate: 0.1,
      duplicateRate: 0.05,
      delayRate: 0.2,
      delayMs: 30,
      offlineInstances: [emu.fixture().instances[0]!.id],
    };
    const set = await control(emu, 'PATCH', '/faults', patch);
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject(patch);
    // The demo fixture's own AccessDenied fault survives a patch that does not name it.
    expect(emu.fixture().faults.accessDenied).toEqual([{ account: '210987654321', region: 'ap-southeast-2' }]);
    // The session side reads the same live fixture.
    expect(emu.fixture().faults.recycleAfterSeconds).toBe(10);

    const cleared = await control(emu, 'PATCH', '/faults', { recycleAfterSeconds: null, dropSocketAfterBytes: null });
    expect(cleared.json.recycleAfterSeconds).toBeUndefined();
    expect(cleared.json.dropSocketAfterSeconds).toBe(2.5);

    const typo = await control(emu, 'PATCH', '/faults', { throttleEvry: { '*': 2 } });
    expect(typo.status).toBe(400);
    expect(String(typo.json.message)).toContain('throttleEvry');
    const bad = await control(emu, 'PATCH', '/faults', { reorderRate: 2 });
    expect(bad.status).toBe(400);

    const reset = await control(emu, 'DELETE', '/faults');
    expect(reset.json).toMatchObject({ accessDenied: [], offlineInstances: [], throttleEvery: {} });
  });

  it('approves device codes, takes instances offline and advances the clock', async () => {
    const pendingBefore = await control(emu, 'GET', '/device');
    expect(pendingBefore.json.pendingUserCodes).toEqual([]);
    const notFound = await control(emu, 'POST', '/device/approve', { userCode: 'BCDF-GHJK' });
    expect(notFound.status).toBe(404);
    expect(String(notFound.json.message)).toContain('start the sign-in again');

    const id = emu.fixture().instances[1]!.id;
    expect((await control(emu, 'POST', `/instances/${id}/offline`)).json).toEqual({ instanceId: id, online: false });
    expect(emu.fixture().faults.offlineInstances).toContain(id);
    await control(emu, 'POST', `/instances/${id}/online`);
    expect(emu.fixture().faults.offlineInstances).not.toContain(id);
    expect((await control(emu, 'POST', '/instances/i-00000000/offline')).status).toBe(404);

    const before = Date.parse(emu.control.state().now);
    const advanced = await control(emu, 'POST', '/clock/advance', { seconds: 3600 });
    expect(Date.parse(String(advanced.json.now)) - before).toBeGreaterThanOrEqual(3600_000);

    const index = await control(emu, 'GET', '/');
    expect(index.json.endpoints).toContain('POST /_emulator/clock/advance {seconds}');
    expect((await control(emu, 'GET', '/nope')).status).toBe(404);
  });

  it('expires all issued role credentials on request', async () => {
    const { accessToken } = await signInToEmulator(emu);
    const creds = await emulatorRoleCredentials(emu, accessToken, '123456789012', 'AdministratorAccess');
    const ssm = new SSMClient({ region: 'eu-west-1', endpoint: emu.url, credentials: creds, maxAttempts: 1 });
    try {
      await ssm.send(new DescribeInstanceInformationCommand({}));
      await control(emu, 'POST', '/credentials/expire');
      await expect(ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    } finally {
      ssm.destroy();
    }
  });
});

describe('emulator start-up and CLI', () => {
  it('works with nothing but the standard endpoint variables set', async () => {
    const emu = await startEmulator({ fixture: demoFixture(), autoApprove: true });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, emu.env);
      const { accessToken } = await signInToEmulator(emu);
      const creds = await emulatorRoleCredentials(emu, accessToken, '123456789012', 'AdministratorAccess');
      // No endpoint option: the SDK finds the emulator through AWS_ENDPOINT_URL_SSM.
      const ssm = new SSMClient({ credentials: creds, maxAttempts: 1 });
      try {
        const out = await ssm.send(new DescribeInstanceInformationCommand({}));
        expect(out.InstanceInformationList!.length).toBe(2);
      } finally {
        ssm.destroy();
      }
    } finally {
      for (const k of Object.keys(emu.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      await emu.stop();
    }
  });

  it('names the port and suggests --port 0 when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const err = await startEmulator({ fixture: demoFixture(), port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmulatorStartError);
      expect((err as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use. Stop whatever holds it, or pass --port 0 to pick a free port.`);
    } finally {
      blocker.close();
    }
  });

  it('prints the endpoint exports and a config snippet, and applies --faults', async () => {
    const lines: string[] = [];
    const emu = await runCli(['--fixture', `${ROOT}${DEMO}`, '--faults', 'throttleEvery.StartSession=3', '--faults', '{"ssoTokenTtlSeconds":90}', '--faults', 'offlineInstances=i-0b50db13024d27431'], (l) => lines.push(l));
    try {
      const text = lines.join('\n');
      for (const v of ['SSO_OIDC', 'SSO', 'SSM', 'EC2', 'KMS']) expect(text).toContain(`export AWS_ENDPOINT_URL_${v}=${emu!.url}\n`);
      expect(text).toContain('[sso-session bastionless-emulator]');
      expect(text).toContain('[profile prod-administratoraccess]');
      expect(text).toContain('sso_account_id = 210987654321');
      expect(emu!.fixture().faults).toMatchObject({ throttleEvery: { StartSession: 3 }, ssoTokenTtlSeconds: 90, offlineInstances: ['i-0b50db13024d27431'] });
      expect(emu!.fixture().faults.accessDenied.length).toBe(1);
    } finally {
      await emu!.stop();
    }
  });

  it('reports bad arguments and bad fixtures with what to do', async () => {
    await expect(runCli([], () => {})).rejects.toThrow(/--fixture FILE is required/);
    await expect(runCli(['--fixture', DEMO, '--pace', 'fast'], () => {})).rejects.toThrow(/--pace must be "faithful" or "none"/);
    await expect(runCli(['--fixture', DEMO, '--faults', 'reorderRate=7'], () => {})).rejects.toThrow(/bad --faults: .*reorderRate/);
    await expect(runCli(['--fixture', '/nonexistent.json'], () => {})).rejects.toThrow(/cannot read fixture \/nonexistent.json.*emulator\/fixtures\/demo.json/);
    const help: string[] = [];
    expect(await runCli(['--help'], (l) => help.push(l))).toBeUndefined();
    expect(help.join('\n')).toContain('--auto-approve');
  });

  it('runs as `npm run emulator` and is ready with working endpoints', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--fixture', DEMO, '--port', '0', '--auto-approve'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('# Ready.')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
      });
      const url = /export AWS_ENDPOINT_URL_SSM=(\S+)/.exec(out)![1]!;
      const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { autoApprove: boolean; accounts: unknown[] };
      expect(state.autoApprove).toBe(true);
      expect(state.accounts.length).toBe(4);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (c) => r(c))));
    expect(code).toBe(0);
  });
});
