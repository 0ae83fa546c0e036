import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorApiError } from '../../../emulator/errors';
import { FaultsSchema } from '../../../emulator/fixture';
import { MessageType, PayloadType } from '../../../main/core/ssm/constants';
import { RawDataChannel } from '../../support/raw-data-channel';
import { ACCOUNT, REGION, attachSmuxClient, baseFixture, echoThrough, seededRandom, sha256Hex as sha, startEchoServer, startHarness, waitUntil, type Harness } from './harness';

const LINUX = 'i-0123456789abcdef0';
const PROMPT = '[ec2-user@ip-10-0-0-9 ~]$ ';
const seqOutput = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\r\n`).join('');

describe('data-channel fault switches', () => {
  let h: Harness;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  beforeAll(async () => {
    echo = await startEchoServer();
    h = await startHarness(baseFixture([{ id: LINUX, privateIp: '10.0.0.9', ports: { '5432': echo.address } }]), 'faithful', { random: seededRandom(42), handshakeTimeoutMs: 300 });
  });
  afterEach(() => {
    h.fixture.faults = FaultsSchema.parse({});
  });
  afterAll(async () => {
    await h.close();
    echo.server.close();
  });

  it('dropSocketAfterBytes: the socket is cut, ResumeSession + reconnect continues the sequence without loss', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', autoResendMs: 150 });
    await dc.waitForText(PROMPT);
    h.fixture.faults.dropSocketAfterBytes = 20_000;
    dc.sendText('seq 1 3000; echo SEQ-"DONE"\r');
    await dc.waitForClose();
    expect(dc.closeCode).toBe(1006);
    h.fixture.faults.dropSocketAfterBytes = undefined;
    const resumed = h.hub.resume(creds.SessionId, ACCOUNT, REGION);
    expect(resumed.TokenValue).not.toBe(creds.TokenValue);
    await dc.connect(resumed.TokenValue);
    await dc.waitForText('SEQ-DONE\r\n');
    expect(dc.text()).toContain(seqOutput(3000));
    const stats = h.hub.stats(creds.SessionId)!;
    expect(stats.relay.dropsInjected).toBe(1);
    expect(stats.relay.connections).toBe(2);
    // sequence numbers continued across the reconnect: one in-order run from 0
    const seqs = [...new Set(dc.messages(MessageType.OutputStreamData).map((m) => m.sequenceNumber))].sort((a, b) => a - b);
    expect(seqs.at(-1)).toBe(seqs.length - 1);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it("agentReadBytes: the agent's output messages are at most that large, and the output arrives whole", async () => {
    h.fixture.faults.agentReadBytes = 100;
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText(PROMPT);
    dc.sendText('seq 1 500; echo SEQ-"DONE"\r');
    await dc.waitForText('SEQ-DONE\r\n');
    expect(dc.text()).toContain(seqOutput(500));
    const sizes = dc.messages(MessageType.OutputStreamData).map((m) => m.payload.length);
    expect(Math.max(...sizes)).toBe(100);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('dropSocketAfterSeconds: the socket is cut after the time, the session survives a resume', async () => {
    h.fixture.faults.dropSocketAfterSeconds = 0.3;
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', autoResendMs: 150 });
    await dc.waitForText(PROMPT);
    await dc.waitForClose();
    expect(dc.closeCode).toBe(1006);
    h.fixture.faults.dropSocketAfterSeconds = undefined;
    await dc.connect(h.hub.resume(creds.SessionId, ACCOUNT, REGION).TokenValue);
    dc.sendText('echo "after-$((1+1))"\r');
    await dc.waitForText('after-2');
    expect(h.hub.stats(creds.SessionId)!.relay.dropsInjected).toBe(1);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('recycleAfterSeconds: close 1000 "Bye", then ResumeSession is refused with HTTP 403', async () => {
    h.fixture.faults.recycleAfterSeconds = 0.3;
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForClose();
    expect(dc.closeCode).toBe(1000);
    expect(dc.closeReason).toBe('Bye');
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(0);
    let refused: unknown;
    try {
      h.hub.resume(creds.SessionId, ACCOUNT, REGION);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(EmulatorApiError);
    expect((refused as EmulatorApiError).status).toBe(403);
    await waitUntil(() => h.hub.stats(creds.SessionId)?.status === 'Terminated', 'the recycled session to end');
  });

  for (const fault of ['reorderRate', 'duplicateRate', 'delayRate'] as const) {
    it(`${fault}: mux port data stays byte-exact while frames are mangled both ways`, async () => {
      h.fixture.faults[fault] = 0.3;
      h.fixture.faults.delayMs = 15;
      const creds = h.start(LINUX, 'AWS-StartPortForwardingSession', { portNumber: ['5432'] });
      const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', autoResendMs: 250 });
      await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
      const mux = attachSmuxClient(dc);
      const data = randomBytes(60_000);
      expect(sha(await echoThrough(mux.openStream(), data))).toBe(sha(data));
      const relay = h.hub.stats(creds.SessionId)!.relay;
      const counter = { reorderRate: relay.reordered, duplicateRate: relay.duplicated, delayRate: relay.delayed }[fault];
      expect(counter).toBeGreaterThan(0);
      const agent = h.hub.stats(creds.SessionId)!.agent;
      if (fault === 'duplicateRate') expect(agent.duplicatesReceived).toBeGreaterThan(0);
      if (fault === 'reorderRate') expect(agent.outOfOrderReceived).toBeGreaterThan(0);
      dc.close();
      h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
    });
  }

  it('offlineInstances: StartSession answers TargetNotConnected', () => {
    h.fixture.faults.offlineInstances = [LINUX];
    expect(() => h.start(LINUX)).toThrow(/is not connected/);
  });

  it("a client that connects late gets the agent's held first message; a missed handshake fails the session", async () => {
    const creds = h.start(LINUX, 'AWS-StartPortForwardingSession', { portNumber: ['5432'] });
    await waitUntil(() => h.hub.stats(creds.SessionId)?.status === 'Failed', 'the 300 ms handshake timeout');
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', autoHandshake: false });
    await dc.waitForClose();
    const outs = dc.messages(MessageType.OutputStreamData);
    expect(outs[0]?.payloadType).toBe(PayloadType.HandshakeRequest);
    const closed = dc.messages(MessageType.ChannelClosed)[0]!;
    expect(Buffer.from(closed.payload).toString()).toContain('Handshake timed out');
  });

  it('TerminateSession: channel_closed to the client and the shell process is killed', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText(PROMPT);
    dc.sendText('echo "pid=$$"\r');
    await dc.waitFor(() => /pid=\d+/.test(dc.text()), 'pid');
    const pid = Number(/pid=(\d+)/.exec(dc.text())![1]);
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
    await dc.waitForClose();
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(1);
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitUntil(() => !alive(), 'the shell to be killed');
    await waitUntil(() => h.hub.stats(creds.SessionId)?.status === 'Terminated', 'Terminated');
    expect(() => h.hub.resume(creds.SessionId, ACCOUNT, REGION)).toThrow(/does not exist/);
  });
});
