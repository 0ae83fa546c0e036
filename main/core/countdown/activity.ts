import type { DataChannel } from '../ssm/index';

/** What the countdowns need of one live session: when it started, its last client traffic, and a keepalive. */
export interface SessionActivity {
  sessionId: string;
  startedAt: number;
  lastSentAt: number;
  /** Sends traffic that reaches no program (DataChannel.keepalive); false when it could not. */
  keepalive(): boolean;
}

export function channelActivity(sessionId: string, channel: DataChannel, startedAt: number = channel.createdAt): SessionActivity {
  return {
    sessionId,
    startedAt,
    get lastSentAt() {
      return channel.lastSentAt;
    },
    keepalive: () => channel.keepalive(),
  };
}
