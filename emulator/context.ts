import { FaultsSchema, type Fixture, type FixtureFaults, type FixtureInstance } from './fixture';

export type Pace = 'faithful' | 'none';

/**
 * The emulator's live state shared by every API: the fixture (whose faults the control API can
 * change while running), the emulator clock (which tests can advance to expire tokens without
 * sleeping), and the run options.
 */
export class EmulatorContext {
  private current: Fixture;
  private clockOffsetMs = 0;
  private url = '';
  private readonly regionIndex = new WeakMap<readonly FixtureInstance[], Map<string, FixtureInstance[]>>();

  constructor(
    fixture: Fixture,
    readonly pace: Pace,
    readonly autoApprove: boolean,
  ) {
    this.current = fixture;
  }

  fixture(): Fixture {
    return this.current;
  }

  /**
   * One account-region's instances, in fixture order. Indexed once per fleet: a scan of a
   * 34k-instance fleet asks this thousands of times, and a filter over the fleet each time
   * made the emulator, not the client, the slow side of the inventory bench.
   */
  instancesIn(account: string, region: string): readonly FixtureInstance[] {
    let index = this.regionIndex.get(this.current.instances);
    if (!index) {
      index = new Map();
      for (const i of this.current.instances) {
        const key = `${i.account}/${i.region}`;
        const list = index.get(key);
        if (list) list.push(i);
        else index.set(key, [i]);
      }
      this.regionIndex.set(this.current.instances, index);
    }
    return index.get(`${account}/${region}`) ?? [];
  }

  /** Merges a partial fault set into the live fixture (and drops the `cleared` keys); validated like a fixture file. */
  /** An instance launched while running: a new fleet array, so the region index is rebuilt. */
  addInstance(instance: FixtureInstance): void {
    this.current = { ...this.current, instances: [...this.current.instances, instance] };
  }

  setFaults(partial: Partial<FixtureFaults>, cleared: readonly string[] = []): FixtureFaults {
    const kept = Object.fromEntries(Object.entries(this.current.faults).filter(([k]) => !cleared.includes(k)));
    const merged = FaultsSchema.parse({ ...kept, ...partial });
    // Only the faults changed: re-validating a 34k-instance fleet on every switch would cost ~0.4 s.
    this.current = { ...this.current, faults: merged };
    return this.current.faults;
  }

  resetFaults(): FixtureFaults {
    this.current = { ...this.current, faults: FaultsSchema.parse({}) };
    return this.current.faults;
  }

  /** Milliseconds since the epoch on the emulator clock (wall clock plus what tests advanced). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(seconds: number): number {
    this.clockOffsetMs += seconds * 1000;
    return this.now();
  }

  baseUrl(): string {
    return this.url;
  }

  setBaseUrl(url: string): void {
    this.url = url;
  }
}
