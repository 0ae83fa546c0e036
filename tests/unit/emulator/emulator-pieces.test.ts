import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { describe, expect, it } from 'vitest';
import { actionAllowed } from '../../../emulator/auth';
import { parseArgs, parseFaultArgs } from '../../../emulator/cli';
import { awsConfigSnippet } from '../../../emulator/config-snippet';
import { EmulatorApiError } from '../../../emulator/errors';
import { FixtureError, loadFixtureFile, parseFixture } from '../../../emulator/fixture';
import { generateFleet } from '../../../emulator/generate-fleet';
import { paginate } from '../../../emulator/paging';

const DEMO = 'emulator/fixtures/demo.json';

describe('fixture validation', () => {
  it('loads the shipped demo fixture', () => {
    const f = loadFixtureFile(DEMO);
    expect(f.accounts.map((a) => a.name)).toEqual(['prod', 'staging', 'sandbox', 'shared-services']);
    expect(new Set(f.instances.map((i) => i.platform))).toEqual(new Set(['Linux', 'Windows']));
  });

  it('names the path and the rule for each mistake', () => {
    const bad = {
      sso: { startUrl: 'not a url', region: 'eu-west-1' },
      accounts: [{ id: '123', name: 'x', roles: [], regions: ['Europe'] }],
    };
    const err = (() => {
      try {
        parseFixture(bad, 'my.json');
      } catch (e) {
        return e as FixtureError;
      }
      throw new Error('expected a FixtureError');
    })();
    expect(err).toBeInstanceOf(FixtureError);
    expect(err.message).toContain('my.json is not a valid emulator fixture');
    expect(err.message).toContain('accounts.0.id: an AWS account id is 12 digits');
    expect(err.message).toContain('accounts.0.roles: an account needs at least one role');
    expect(err.message).toContain('accounts.0.regions.0: a region name looks like "eu-west-1"');
  });

  it('catches instances in unknown accounts or regions the account has not enabled', () => {
    const input = {
      sso: { startUrl: 'https://x.awsapps.com/start', region: 'eu-west-1' },
      accounts: [{ id: '111122223333', name: 'a', roles: [{ name: 'R' }], regions: ['eu-west-1'] }],
      instances: [
        { id: 'i-0123456789abcdef0', account: '111122223333', region: 'us-east-1' },
        { id: 'i-0123456789abcdef1', account: '999999999999', region: 'eu-west-1' },
      ],
    };
    expect(() => parseFixture(input)).toThrow(/region us-east-1 is not enabled for account 111122223333[\s\S]*account 999999999999 is not in accounts/);
  });

  it('checks seeded sessions: dates that fit the status, known account-regions, unique ids', () => {
    const base = {
      sso: { startUrl: 'https://x.awsapps.com/start', region: 'eu-west-1' },
      accounts: [{ id: '111122223333', name: 'a', roles: [{ name: 'R' }], regions: ['eu-west-1'] }],
    };
    const session = { id: 'demo-00000000000000001', account: '111122223333', region: 'eu-west-1', target: 'i-0123456789abcdef0', owner: { role: 'R', username: 'demo' }, startDate: '2026-12-01T08:00:00Z' };
    const ok = parseFixture({ ...base, sessions: [{ ...session, endDate: '2026-12-01T09:00:00Z' }] });
    expect(ok.sessions[0]).toMatchObject({ status: 'Terminated', documentName: 'SSM-SessionManagerRunShell' });
    expect(() => parseFixture({ ...base, sessions: [session] })).toThrow('sessions.0.endDate: a Terminated session needs an endDate');
    expect(() => parseFixture({ ...base, sessions: [{ ...session, status: 'Connected', endDate: '2026-12-01T09:00:00Z' }] })).toThrow(/sessions.0.endDate: a Connected session is still active/);
    expect(() => parseFixture({ ...base, sessions: [{ ...session, endDate: '2026-11-01T09:00:00Z' }] })).toThrow('endDate is before startDate');
    expect(() => parseFixture({ ...base, sessions: [{ ...session, startDate: 'yesterday', endDate: '2026-12-01T09:00:00Z' }] })).toThrow('sessions.0.startDate: an ISO-8601 timestamp');
    const finished = { ...session, endDate: '2026-12-01T09:00:00Z' };
    expect(() => parseFixture({ ...base, sessions: [finished, { ...finished, region: 'us-east-1' }] })).toThrow(/region us-east-1 is not enabled[\s\S]*duplicate session id demo-00000000000000001/);
  });

  it('says how to fix an unreadable or non-JSON fixture file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => loadFixtureFile(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
    expect(() => loadFixtureFile(join(dir, 'missing.json'))).toThrow(/Pass --fixture with an existing JSON file/);
  });
});

describe('fleet generator', () => {
  it('builds 100 accounts × 17 regions × 20 instances deterministically', () => {
    const a = generateFleet({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20 });
    expect(a.accounts.length).toBe(100);
    expect(a.instances.length).toBe(34_000);
    expect(new Set(a.instances.map((i) => i.id)).size).toBe(34_000);
    const b = generateFleet({ accounts: 2, regionsPerAccount: 17, instancesPerRegion: 20 });
    expect(b.instances.slice(0, 5)).toEqual(a.instances.slice(0, 5));
    expect(a.instances.some((i) => i.platform === 'Windows') && a.instances.some((i) => i.state === 'stopped')).toBe(true);
  });

  it('leaves all but the populated regions of each account empty when asked', () => {
    const sparse = generateFleet({ accounts: 4, regionsPerAccount: 17, instancesPerRegion: 5, populatedRegionsPerAccount: 3 });
    expect(sparse.accounts.every((a) => a.regions.length === 17)).toBe(true);
    expect(sparse.instances.length).toBe(4 * 3 * 5);
    for (const account of sparse.accounts) expect(new Set(sparse.instances.filter((i) => i.account === account.id).map((i) => i.region))).toEqual(new Set(account.regions.slice(0, 3)));
  });
});

describe('paging tokens', () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  it('walks every item once and refuses tokens from another query', () => {
    const seen: number[] = [];
    let token: string | undefined;
    do {
      const page = paginate(items, { nextToken: token, pageSize: 5, query: 'q', invalidTokenCode: 'InvalidNextToken' });
      seen.push(...page.items);
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(items);
    const first = paginate(items, { pageSize: 5, query: 'q', invalidTokenCode: 'InvalidNextToken' });
    expect(() => paginate(items, { nextToken: first.nextToken, pageSize: 5, query: 'other', invalidTokenCode: 'InvalidNextToken' })).toThrow(EmulatorApiError);
  });
});

describe('IAM-style action patterns', () => {
  it('matches wildcards case-insensitively and allows everything without a list', () => {
    expect(actionAllowed(undefined, 'ssm:StartSession')).toBe(true);
    expect(actionAllowed(['ssm:Describe*'], 'ssm:DescribeSessions')).toBe(true);
    expect(actionAllowed(['ssm:Describe*'], 'ssm:StartSession')).toBe(false);
    expect(actionAllowed(['ec2:*'], 'ssm:DescribeSessions')).toBe(false);
    expect(actionAllowed(['kms:generatedatakey'], 'kms:GenerateDataKey')).toBe(true);
  });
});

describe('CLI argument parsing', () => {
  it('parses options and both --faults forms', () => {
    expect(parseArgs(['--fixture', 'f.json', '--port=0', '--pace', 'faithful', '--auto-approve'])).toEqual({ fixture: 'f.json', port: 0, pace: 'faithful', autoApprove: true, faults: [] });
    expect(parseFaultArgs(['latencyMs.ListAccounts=250', 'accessDenied=111122223333/eu-west-1,444455556666', '{"reorderRate":0.1}'])).toEqual({
      latencyMs: { ListAccounts: 250 },
      accessDenied: [{ account: '111122223333', region: 'eu-west-1' }, { account: '444455556666' }],
      reorderRate: 0.1,
    });
  });

  it('refuses unknown options and fault names with the usage text', () => {
    expect(() => parseArgs(['--fixture', 'f', '--verbose'])).toThrow(/unknown option --verbose[\s\S]*Usage:/);
    expect(() => parseArgs(['--fixture', 'f', '--port', '70000'])).toThrow(/--port must be 0-65535/);
    expect(() => parseFaultArgs(['dropAfter=3'])).toThrow(/bad --faults[\s\S]*Known faults: latencyMs/);
  });
});

describe('~/.aws/config snippet', () => {
  it('is read by the SDK config loader as an sso-session with one profile per (account, role)', async () => {
    const fixture = loadFixtureFile(DEMO);
    const dir = mkdtempSync(join(tmpdir(), 'awsconfig-'));
    const file = join(dir, 'config');
    writeFileSync(file, awsConfigSnippet(fixture, 'http://127.0.0.1:4567'));
    const loaded = await loadSharedConfigFiles({ configFilepath: file, filepath: join(dir, 'credentials'), ignoreCache: true });
    expect(loaded.configFile['sso-session.bastionless-emulator']).toMatchObject({ sso_start_url: fixture.sso.startUrl, sso_region: 'eu-west-1' });
    expect(loaded.configFile['prod-readonlyaccess']).toMatchObject({ sso_session: 'bastionless-emulator', sso_account_id: '210987654321', sso_role_name: 'ReadOnlyAccess' });
    const profiles = Object.keys(loaded.configFile).filter((k) => !k.includes('.'));
    expect(profiles.length).toBe(fixture.accounts.reduce((n, a) => n + a.roles.length, 0));
  });
});
