import { setTimeout as delay } from 'node:timers/promises';
import type { EmulatorContext } from './context';
import { EmulatorApiError } from './errors';

/** The service-specific error each API family answers when it throttles. */
export const THROTTLE_ERRORS = {
  oidc: new EmulatorApiError('SlowDownException', 'Client is polling too fast; slow down', 400),
  portal: new EmulatorApiError('TooManyRequestsException', 'Too many requests', 429),
  ssm: new EmulatorApiError('ThrottlingException', 'Rate exceeded', 400),
  kms: new EmulatorApiError('ThrottlingException', 'Rate exceeded', 400),
  ec2: new EmulatorApiError('RequestLimitExceeded', 'Request limit exceeded.', 503),
  sts: new EmulatorApiError('Throttling', 'Rate exceeded', 400),
} as const;
export type ApiFamily = keyof typeof THROTTLE_ERRORS;

/** Answer times close to what the real endpoints show from a nearby region, for --pace faithful. */
const FAITHFUL_LATENCY_MS: Record<ApiFamily, number> = { oidc: 40, portal: 60, ssm: 50, kms: 20, ec2: 80, sts: 30 };

export interface CallRecord {
  api: string;
  family: ApiFamily;
  account?: string;
  region?: string;
  /** AWS error code answered, or "OK". */
  outcome: string;
  at: number;
}

/** Applies the fixture's per-API faults (latency, throttling) and keeps the call log tests read. */
export class FaultInjector {
  private readonly counters = new Map<string, number>();
  private readonly log: CallRecord[] = [];

  constructor(private readonly ctx: EmulatorContext) {}

  /** Waits the configured latency, then throws the family's throttling error on every Nth call. */
  async beforeCall(api: string, family: ApiFamily): Promise<void> {
    const faults = this.ctx.fixture().faults;
    const extra = faults.latencyMs[api] ?? faults.latencyMs['*'] ?? 0;
    const base = this.ctx.pace === 'faithful' ? FAITHFUL_LATENCY_MS[family] : 0;
    if (base + extra > 0) await delay(base + extra);
    const every = faults.throttleEvery[api] ?? faults.throttleEvery['*'];
    const count = (this.counters.get(api) ?? 0) + 1;
    this.counters.set(api, count);
    if (every !== undefined && count % every === 0) throw THROTTLE_ERRORS[family];
  }

  /** AccessDenied fault: the whole account, or only the given region of it. */
  isDenied(account: string, region: string): boolean {
    return this.ctx
      .fixture()
      .faults.accessDenied.some((d) => d.account === account && (d.region === undefined || d.region === region));
  }

  record(entry: Omit<CallRecord, 'at'>): void {
    this.log.push({ ...entry, at: this.ctx.now() });
    // Bounded: a long demo run must not grow without limit.
    if (this.log.length > 10_000) this.log.splice(0, this.log.length - 10_000);
  }

  calls(): CallRecord[] {
    return [...this.log];
  }

  /** Throttling counts from here on: "every Nth call" means since the fault was (re)set. */
  resetCounters(): void {
    this.counters.clear();
  }

  clearLog(): void {
    this.log.length = 0;
  }
}
