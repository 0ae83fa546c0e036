import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType } from '../../../main/core/ssm/constants';
import { encodeMessage } from '../../../main/core/ssm/message';
import { incompleteUtf8Tail, OutputPump } from '../../../emulator/agent/output-pump';
import { RawDataChannel } from '../../support/raw-data-channel';
import { ACCOUNT, REGION, baseFixture, startEchoServer, startHarness, type Harness } from './harness';

const LINUX = 'i-0123456789abcdef0';
const PROMPT = '[ec2-user@ip-10-0-0-7 ~]$ ';
const BIG_OUTPUT = 'head -c 300000 /dev/zero | tr "\\0" x; echo; echo END-"MARK"\r';

describe('agent behaviours of spec §5.2 / §11 seen from a raw client', () => {
  let h: Harness;
  let unpaced: Harness;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  beforeAll(async () => {
    echo = await startEchoServer();
    const fixture = baseFixture([{ id: LINUX, privateIp: '10.0.0.7', ports: { '7': echo.address } }]);
    h = await startHarness(fixture, 'faithful');
    unpaced = await startHarness(fixture, 'none');
  });
  afterAll(async () => {
    await h.close();
    await unpaced.close();
    echo.server.close();
  });

  it('re-acknowledges a duplicate and acks out-of-order input before the gap is filled', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText(PROMPT);
    const s0 = dc.sendText('echo dup-');
    dc.write(dc.sentFrames.at(-1)!); // the same frame again
    await dc.waitFor(() => dc.ackedSequenceNumbers().filter((n) => n === s0).length === 2, 'two acks for the duplicate');
    // hold back seq s0+1, send s0+2 first: acked at once, applied only after the gap closes
    const mk = (seq: number, text: string): Buffer =>
      encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: seq, payloadType: PayloadType.Output, payload: Buffer.from(text) });
    dc.write(mk(s0 + 2, 'done\r'));
    await dc.waitFor(() => dc.ackedSequenceNumbers().includes(s0 + 2), 'ack of the out-of-order message');
    dc.write(mk(s0 + 1, 'check-'));
    await dc.waitForText('dup-check-done');
    expect(dc.text()).not.toContain('dup-dup-');
    expect(h.hub.stats(creds.SessionId)!.agent.duplicatesReceived).toBeGreaterThanOrEqual(1);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('acks and drops data sent before the handshake completes', async () => {
    const creds = h.start(LINUX, 'AWS-StartSSHSession', { portNumber: ['7'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', autoHandshake: false });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeRequest).length > 0, 'HandshakeRequest');
    const early = dc.sendText('too-early');
    await dc.waitFor(() => dc.ackedSequenceNumbers().includes(early), 'ack of early data');
    dc.respondToHandshake();
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    // HandshakeResponse (seq 1 here) acknowledged, HandshakeComplete is agent seq 1
    expect(dc.ackedSequenceNumbers()).toContain(early + 1);
    expect(dc.messages(MessageType.OutputStreamData).find((m) => m.payloadType === PayloadType.HandshakeComplete)?.sequenceNumber).toBe(1);
    dc.sendText('on-time');
    await dc.waitForText('on-time');
    expect(dc.text()).toBe('on-time');
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it("faithful pacing: ≤ 1024-byte reads (+ ≤ 3 held-back UTF-8 bytes); 'none' sends bigger messages", async () => {
    const sizes = async (harness: Harness): Promise<number[]> => {
      const creds = harness.start(LINUX);
      const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
      await dc.waitForText(PROMPT);
      dc.sendText(BIG_OUTPUT);
      await dc.waitForText('END-MARK');
      expect(dc.text().split('x').length - 1).toBeGreaterThanOrEqual(300_000);
      dc.close();
      harness.hub.terminate(creds.SessionId, ACCOUNT, REGION);
      return dc.messages(MessageType.OutputStreamData).map((m) => m.payload.length);
    };
    const faithful = await sizes(h);
    const none = await sizes(unpaced);
    expect(Math.max(...faithful)).toBeLessThanOrEqual(1027);
    expect(Math.max(...none)).toBeGreaterThan(1027);
  });
});

describe('output pump (agent read loop)', () => {
  it('finds incomplete UTF-8 tails', () => {
    expect(incompleteUtf8Tail(Buffer.from('abc'))).toBe(0);
    expect(incompleteUtf8Tail(Buffer.from([0x61, 0xe2, 0x82]))).toBe(2);
    expect(incompleteUtf8Tail(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(3);
    expect(incompleteUtf8Tail(Buffer.from([0xe2, 0x82, 0xac]))).toBe(0);
    expect(incompleteUtf8Tail(Buffer.from([0x61, 0xff]))).toBe(0);
  });

  it('never splits a multi-byte character across messages and loses no byte', async () => {
    const sent: Buffer[] = [];
    const pump = new OutputPump({ pace: 'none', holdUtf8Tail: true, send: (c) => sent.push(Buffer.from(c)), readSize: 1024 });
    const text = '€'.repeat(2000) + 'ok';
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 333) pump.push(bytes.subarray(i, i + 333));
    await pump.end();
    expect(Buffer.concat(sent).equals(bytes)).toBe(true);
    for (const c of sent) {
      expect(c.length).toBeLessThanOrEqual(1027);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(c)).not.toThrow();
    }
  });

  /** A PTY-like source: one 4 KiB kernel buffer per event-loop turn, `turns` times. */
  const busySource = (pump: OutputPump, turns: number) =>
    new Promise<Buffer>((resolve) => {
      const all: Buffer[] = [];
      let turn = 0;
      const next = () => {
        const chunk = Buffer.alloc(4096, 97 + (turn % 26));
        all.push(chunk);
        pump.push(chunk);
        if (++turn < turns) setImmediate(next);
        else resolve(Buffer.concat(all));
      };
      next();
    });

  it('unpaced, gathers a busy source into large messages instead of one per read', async () => {
    const sent: Buffer[] = [];
    const pump = new OutputPump({ pace: 'none', holdUtf8Tail: false, send: (c) => sent.push(Buffer.from(c)) });
    const bytes = await busySource(pump, 256);
    await pump.end();
    expect(Buffer.concat(sent).equals(bytes)).toBe(true);
    // 1 MiB in 4 KiB reads: a message per read would be 256; gathered, most carry 64 KiB.
    expect(sent.length).toBeLessThanOrEqual(32);
    expect(Math.max(...sent.map((c) => c.length))).toBe(64 * 1024);
  });

  it('unpaced, sends a lone small write at once, and the faithful pace never gathers', async () => {
    const sent: Buffer[] = [];
    const pump = new OutputPump({ pace: 'none', holdUtf8Tail: false, send: (c) => sent.push(Buffer.from(c)) });
    pump.push(Buffer.from('x'));
    await pump.drained();
    expect(sent.map(String)).toEqual(['x']);

    const faithful: Buffer[] = [];
    const paced = new OutputPump({ pace: 'faithful', holdUtf8Tail: false, send: (c) => faithful.push(Buffer.from(c)) });
    const bytes = await busySource(paced, 8);
    await paced.end();
    expect(Buffer.concat(faithful).equals(bytes)).toBe(true);
    expect(faithful.every((c) => c.length <= 1024)).toBe(true);
    expect(faithful.length).toBe(32);
  });
});
