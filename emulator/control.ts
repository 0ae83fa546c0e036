import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorContext } from './context';
import type { CredentialStore } from './credentials';
import { EmulatorApiError } from './errors';
import type { CallRecord, FaultInjector } from './faults';
import { FaultsSchema, InstanceSchema, type FixtureFaults, type FixtureInstance } from './fixture';
import { parseInput, parseJsonBody, sendApiError, sendJson } from './http';
import type { SsoOidc } from './sso-oidc';

/** Partial fault sets: only the keys given change. Unknown keys are refused so typos are not silent. */
export const FaultsPatchSchema = FaultsSchema.partial().strict();
/** A key set to null (or undefined) goes back to the fixture schema's default (off). */
export type FaultsPatch = { [K in keyof z.input<typeof FaultsSchema>]?: z.input<typeof FaultsSchema>[K] | null };

const ApproveBody = z.object({ userCode: z.string().min(1), username: z.string().optional() }).strict();
const DenyBody = z.object({ userCode: z.string().min(1) }).strict();
const AdvanceBody = z.object({ seconds: z.number().positive() }).strict();


/**
 * Validates the keys a patch sets. Only those keys come back: the schema's defaults for the
 * others must not overwrite faults already in force.
 */
export function parseFaultsPatch(input: Record<string, unknown>, code = 'ValidationError'): Partial<FixtureFaults> {
  const parsed = parseInput(FaultsPatchSchema, input, code) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(input).map((k) => [k, parsed[k]])) as Partial<FixtureFaults>;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  return parseInput(schema, input, 'ValidationError');
}

/** What tests (in process, or over HTTP under /_emulator/) can change while the emulator runs. */
export class EmulatorControl {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly oidc: SsoOidc,
    private readonly faults: FaultInjector,
    private readonly credentials: CredentialStore,
  ) {}

  getFaults(): FixtureFaults {
    return this.ctx.fixture().faults;
  }

  setFaults(patch: FaultsPatch): FixtureFaults {
    const entries = Object.entries(patch ?? {});
    const cleared = entries.filter(([, v]) => v === null || v === undefined).map(([k]) => k);
    const parsed = parseFaultsPatch(Object.fromEntries(entries.filter(([, v]) => v !== null && v !== undefined)));
    if (parsed.throttleEvery) this.faults.resetCounters();
    return this.ctx.setFaults(parsed, cleared);
  }

  resetFaults(): FixtureFaults {
    this.faults.resetCounters();
    this.faults.clearLog();
    return this.ctx.resetFaults();
  }

  /** Approves a pending device code as a person on the verification page would (first fixture user by default). */
  approveDevice(userCode: string, username?: string): void {
    this.oidc.approveDevice(userCode, username);
  }

  denyDevice(userCode: string): void {
    this.oidc.denyDevice(userCode);
  }

  pendingUserCodes(): string[] {
    return this.oidc.pendingUserCodes();
  }

  /** Takes an instance's agent offline (ConnectionLost, TargetNotConnected) or brings it back. */
  setInstanceOnline(instanceId: string, online: boolean): void {
    const instance = this.ctx.fixture().instances.find((i) => i.id === instanceId);
    if (!instance) throw new EmulatorApiError('InvalidInstanceId', `no instance ${instanceId} in the fixture; GET /_emulator/state lists them`, 404);
    const offline = new Set(this.ctx.fixture().faults.offlineInstances);
    if (online) offline.delete(instanceId);
    else offline.add(instanceId);
    this.ctx.setFaults({ offlineInstances: [...offline] });
  }

  /**
   * Launches an instance into an enabled region of a fixture account while the emulator runs,
   * so tests can watch discovery pick up a node it has not seen.
   */
  launchInstance(input: z.input<typeof InstanceSchema>): FixtureInstance {
    const instance = parse(InstanceSchema, input);
    const fixture = this.ctx.fixture();
    const account = fixture.accounts.find((a) => a.id === instance.account);
    if (!account) throw new EmulatorApiError('ValidationError', `no account ${instance.account} in the fixture`, 400);
    if (!account.regions.includes(instance.region)) throw new EmulatorApiError('ValidationError', `region ${instance.region} is not enabled in account ${instance.account}`, 400);
    if (fixture.instances.some((i) => i.id === instance.id)) throw new EmulatorApiError('ValidationError', `instance ${instance.id} already exists`, 400);
    this.ctx.addInstance(instance);
    return instance;
  }

  /** Moves the emulator clock on, so tokens, role credentials and device codes expire without waiting. */
  advanceClock(seconds: number): number {
    parse(AdvanceBody, { seconds });
    return this.ctx.advanceClock(seconds);
  }

  /** Expires every role credential issued so far (the next signed call answers ExpiredTokenException). */
  expireCredentials(): void {
    this.credentials.expireAll(this.ctx.now());
  }

  calls(): CallRecord[] {
    return this.faults.calls();
  }

  state() {
    const f = this.ctx.fixture();
    return {
      url: this.ctx.baseUrl(),
      pace: this.ctx.pace,
      autoApprove: this.ctx.autoApprove,
      now: new Date(this.ctx.now()).toISOString(),
      startUrl: f.sso.startUrl,
      ssoRegion: f.sso.region,
      accounts: f.accounts.map((a) => ({ id: a.id, name: a.name, regions: a.regions, roles: a.roles.map((r) => r.name) })),
      instances: f.instances.length,
      faults: f.faults,
      pendingUserCodes: this.pendingUserCodes(),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    try {
      const result = this.dispatch(req.method ?? 'GET', url.pathname.replace(/^\/_emulator/, ''), body);
      sendJson(res, 200, result);
    } catch (err) {
      if (err instanceof EmulatorApiError) sendApiError(res, 'control', err);
      else throw err;
    }
  }

  private dispatch(method: string, path: string, body: Buffer): unknown {
    const input = () => parseJsonBody(body);
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /':
        return { endpoints: CONTROL_ENDPOINTS };
      case 'GET /state':
        return this.state();
      case 'GET /faults':
        return this.getFaults();
      case 'PATCH /faults':
      case 'PUT /faults':
        return this.setFaults(input() as FaultsPatch);
      case 'DELETE /faults':
        return this.resetFaults();
      case 'GET /device':
        return { pendingUserCodes: this.pendingUserCodes() };
      case 'POST /device/approve': {
        const b = parse(ApproveBody, input());
        this.approveDevice(b.userCode, b.username);
        return { approved: b.userCode };
      }
      case 'POST /device/deny': {
        const b = parse(DenyBody, input());
        this.denyDevice(b.userCode);
        return { denied: b.userCode };
      }
      case 'POST /clock/advance':
        return { now: new Date(this.advanceClock(parse(AdvanceBody, input()).seconds)).toISOString() };
      case 'POST /credentials/expire':
        this.expireCredentials();
        return { expired: true };
      case 'GET /calls':
        return { calls: this.calls() };
    }
    const instance = /^POST \/instances\/([^/]+)\/(offline|online)$/.exec(key);
    if (instance) {
      this.setInstanceOnline(instance[1]!, instance[2] === 'online');
      return { instanceId: instance[1], online: instance[2] === 'online' };
    }
    throw new EmulatorApiError('NotFound', `no control endpoint ${key}; GET /_emulator/ lists them`, 404);
  }
}

export const CONTROL_ENDPOINTS = [
  'GET /_emulator/state',
  'GET /_emulator/faults',
  'PATCH /_emulator/faults {partial faults}',
  'DELETE /_emulator/faults',
  'GET /_emulator/device',
  'POST /_emulator/device/approve {userCode, username?}',
  'POST /_emulator/device/deny {userCode}',
  'POST /_emulator/instances/<id>/offline',
  'POST /_emulator/instances/<id>/online',
  'POST /_emulator/clock/advance {seconds}',
  'POST /_emulator/credentials/expire',
  'GET /_emulator/calls',
];
