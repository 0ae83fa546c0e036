import { assumedRoleArn } from '../auth';
import type { Fixture, SeededSession } from '../fixture';
import type { SessionSummary } from './hub';

/**
 * Sessions the fixture says existed before the emulator started: history to describe, and other
 * people's sessions still open elsewhere (no data channel here). TerminateSession ends the latter;
 * that is the only state kept, so the fixture itself stays read-only.
 */
export class SeededSessions {
  private readonly ended = new Map<string, Date>();

  constructor(private readonly fixture: () => Fixture) {}

  describe(account: string, region: string): SessionSummary[] {
    return this.fixture()
      .sessions.filter((s) => s.account === account && s.region === region)
      .map((s) => this.summary(s));
  }

  /** Ends an active seeded session of that account-region; false when there is none by that id. */
  terminate(sessionId: string, account: string, region: string): boolean {
    const seeded = this.fixture().sessions.find((s) => s.id === sessionId && s.account === account && s.region === region);
    if (!seeded) return false;
    if (!this.ended.has(sessionId) && seeded.endDate === undefined) this.ended.set(sessionId, new Date());
    return true;
  }

  private summary(s: SeededSession): SessionSummary {
    const endedNow = this.ended.get(s.id);
    const owner = typeof s.owner === 'string' ? s.owner : assumedRoleArn(s.account, s.owner.role, s.owner.username);
    const out: SessionSummary = {
      SessionId: s.id,
      Target: s.target,
      Status: endedNow ? 'Terminated' : s.status,
      StartDate: new Date(s.startDate),
      DocumentName: s.documentName,
      Owner: owner,
    };
    const end = endedNow ?? (s.endDate === undefined ? undefined : new Date(s.endDate));
    if (end) out.EndDate = end;
    if (s.reason !== undefined) out.Reason = s.reason;
    return out;
  }
}
