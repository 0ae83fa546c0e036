import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType } from '../../../main/core/ssm/constants';
import { parseChannelClosed } from '../../../main/core/ssm/payloads';
import { RawDataChannel } from '../../support/raw-data-channel';
import { baseFixture, startHarness, type Harness } from './harness';

const LINUX = 'i-0123456789abcdef0';
const PROMPT = '[ec2-user@ip-10-0-0-5 ~]$ ';

describe('emulated agent: shell sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(baseFixture([{ id: LINUX, privateIp: '10.0.0.5' }]));
  });
  afterAll(() => h.close());

  it('sends the prompt first as seq 0 Flags 1 PayloadType 1, with no handshake', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText(PROMPT);
    const first = dc.messages(MessageType.OutputStreamData)[0];
    expect(first?.sequenceNumber).toBe(0);
    expect(first?.flags).toBe(1);
    expect(first?.payloadType).toBe(PayloadType.Output);
    // agent_session_state is for the service: never relayed to the client
    expect(dc.messages(MessageType.AgentSessionState)).toHaveLength(0);
    dc.close();
    h.hub.terminate(creds.SessionId, '111122223333', 'eu-west-1');
  });

  it('acks input, resizes the pty, and ends with channel_closed after exit', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText(PROMPT);
    const sizeSeq = dc.sendSize(123, 45);
    const cmdSeq = dc.sendText('stty size; echo "sum=$((40+2))"\r');
    await dc.waitForText('sum=42');
    expect(dc.text()).toContain('45 123');
    const acked = dc
      .messages(MessageType.Acknowledge)
      .map((m) => JSON.parse(Buffer.from(m.payload).toString()).AcknowledgedMessageSequenceNumber as number);
    expect(acked).toEqual(expect.arrayContaining([sizeSeq, cmdSeq]));
    // every output message after the first carries Flags 0 and consecutive sequence numbers
    const outs = dc.messages(MessageType.OutputStreamData);
    outs.forEach((m, i) => {
      expect(m.sequenceNumber).toBe(i);
      expect(m.flags).toBe(i === 0 ? 1 : 0);
      expect(m.payload.length).toBeLessThanOrEqual(1027);
    });
    dc.sendText('exit\r');
    await dc.waitForClose();
    const closed = dc.messages(MessageType.ChannelClosed);
    expect(closed).toHaveLength(1);
    const body = parseChannelClosed(closed[0]!.payload);
    expect(body.SessionId).toBe(creds.SessionId);
    expect(body.Output).toBe('');
    expect(dc.closeCode).toBe(1000);
    expect(h.hub.stats(creds.SessionId)?.status).toBe('Terminated');
    expect(h.hub.describe('111122223333', 'eu-west-1', 'History').map((s) => s.SessionId)).toContain(creds.SessionId);
  });
});
