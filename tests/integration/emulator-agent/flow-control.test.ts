import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadType } from '../../../main/core/ssm/constants';
import { DataChannel } from '../../../main/core/ssm/datachannel';
import { baseFixture, startHarness, type Harness } from './harness';

/**
 * Flow control end to end: a client that stops reading its socket (DataChannel.setReadingPaused)
 * makes the emulated agent stop reading the shell, as a real agent's blocked websocket write
 * does; nothing piles up without bound in between, and every byte arrives once reading resumes.
 */

const LINUX = 'i-0123456789abcdef0';
const FLOOD_BYTES = 24_000_000;

describe('flow control: a client that stops reading', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(baseFixture([{ id: LINUX }]), 'none');
  });
  afterAll(() => h.close());

  it('stops the agent, keeps the emulator buffer bounded, and loses nothing once reading resumes', async () => {
    const creds = h.start(LINUX);
    const channel = new DataChannel({ credentials: creds, allowInsecure: true, targetId: LINUX });
    let text = '';
    let xs = 0;
    const listeners = new Set<() => void>();
    channel.setReceiver((p) => {
      if (p.payloadType === PayloadType.Output) {
        const s = Buffer.from(p.payload).toString('latin1');
        for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x78) xs++;
        text = (text + s).slice(-4096);
      }
      for (const l of listeners) l();
      return 'ok';
    });
    const until = (test: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!test()) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      });
    await channel.open();
    try {
      await until(() => text.includes('$ '));
      const stats = () => h.hub.stats(creds.SessionId)!;
      channel.setReadingPaused(true);
      // Only the flood's x's count: the echoed command line has none.
      channel.send(PayloadType.Output, Buffer.from(`head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' '\\170'; echo; echo FLOOD-"DONE"\r`));
      await expect.poll(() => stats().clientBlocked, { timeout: 30_000 }).toBe(true);
      const sentWhenBlocked = stats().agent.messagesSent;
      // Let the agent's resend loop run a few rounds (it keeps resending the unacknowledged
      // oldest message): the pump must have sent nothing new meanwhile.
      const retransmits = stats().agent.retransmits;
      await expect.poll(() => stats().agent.retransmits, { timeout: 30_000 }).toBeGreaterThanOrEqual(retransmits + 3);
      expect(stats().agent.messagesSent).toBe(sentWhenBlocked);
      expect(stats().relay.bytesToClient).toBeLessThan(FLOOD_BYTES / 2);
      expect(stats().clientBlocked).toBe(true);

      channel.setReadingPaused(false);
      await until(() => text.includes('FLOOD-DONE'));
      expect(xs).toBe(FLOOD_BYTES);
      expect(stats().clientBlocked).toBe(false);
    } finally {
      channel.close();
      h.hub.terminate(creds.SessionId, '111122223333', 'eu-west-1');
    }
  });
});
