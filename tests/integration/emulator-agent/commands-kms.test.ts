import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EmulatorApiError } from '../../../emulator/errors';
import { MessageType, PayloadType } from '../../../main/core/ssm/constants';
import { parseExitCode, parseHandshakeComplete, parseHandshakeRequest } from '../../../main/core/ssm/payloads';
import { RawDataChannel } from '../../support/raw-data-channel';
import { ACCOUNT, REGION, baseFixture, startHarness, type Harness } from './harness';

const LINUX = 'i-0123456789abcdef0';
const WINDOWS = 'i-0fedcba9876543210';
const OFFLINE = 'i-0ccccccccccccccc3';
const LOST = 'i-0ddddddddddddddd4';

describe('emulated agent: commands, KMS and start errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      baseFixture(
        [
          { id: LINUX, name: 'web-1' },
          { id: WINDOWS, platform: 'Windows' },
          { id: OFFLINE },
          { id: LOST, pingStatus: 'ConnectionLost' },
        ],
        {
          sessionPreferences: { [`${ACCOUNT}/${REGION}`]: { kmsKeyId: 'alias/session-key' } },
          faults: { offlineInstances: [OFFLINE] },
          documents: [{ name: 'Ops-Greet', content: { sessionType: 'InteractiveCommands', parameters: { who: { type: 'String', default: 'world' } }, properties: { linux: { commands: ['printf "hello, {{ who }}"'] } } } }],
        },
      ),
    );
  });
  afterAll(() => h.close());

  it('NonInteractiveCommands: handshake always, stdout and stderr apart, EXIT_CODE, then close', async () => {
    const creds = h.start(LINUX, 'AWS-StartNonInteractiveCommand', { command: [`sh -c "echo out; echo err >&2; exit 7"`] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', generateDataKey: h.kms.generateDataKey, target: LINUX });
    await dc.waitForClose();
    const outs = dc.messages(MessageType.OutputStreamData);
    expect(outs[0]?.payloadType).toBe(PayloadType.HandshakeRequest);
    const actions = parseHandshakeRequest(outs[0]!.payload).RequestedClientActions.map((a) => a.ActionType);
    expect(actions).toEqual(['SessionType', 'KMSEncryption']);
    expect(dc.text(PayloadType.Output)).toBe('out\n');
    expect(dc.text(PayloadType.StdErr)).toBe('err\n');
    expect(parseExitCode(dc.bytes(PayloadType.ExitCode))).toBe(7);
    // EXIT_CODE is the last stream message, then channel_closed
    expect(outs.at(-1)?.payloadType).toBe(PayloadType.ExitCode);
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(1);
  });

  it('KMS shell: SessionType + KMSEncryption, challenge, encrypted output and input', async () => {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', generateDataKey: h.kms.generateDataKey, target: LINUX });
    await dc.waitForText('[ec2-user@web-1 ~]$ ');
    const outs = dc.messages(MessageType.OutputStreamData);
    expect(outs.map((m) => m.payloadType).slice(0, 3)).toEqual([PayloadType.HandshakeRequest, PayloadType.EncChallengeRequest, PayloadType.HandshakeComplete]);
    expect(parseHandshakeComplete(dc.bytes(PayloadType.HandshakeComplete)).CustomerMessage).toBe('This session is encrypted using AWS KMS.');
    // wire payload of data is nonce ‖ ciphertext ‖ tag: never the plaintext prompt
    const firstData = outs.find((m) => m.payloadType === PayloadType.Output)!;
    expect(Buffer.from(firstData.payload).toString()).not.toContain('ec2-user');
    dc.sendText('echo "enc-$((6*7))"\r');
    await dc.waitForText('enc-42');
    expect(h.hub.stats(creds.SessionId)?.agent.encrypted).toBe(true);
    dc.sendText('exit\r');
    await dc.waitForClose();
  });

  it('Windows instances show a PowerShell prompt', async () => {
    const creds = h.start(WINDOWS);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', generateDataKey: h.kms.generateDataKey, target: WINDOWS });
    await dc.waitForText('PS C:\\Windows\\system32> ');
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('InteractiveCommands runs the command in a pty and closes when it ends', async () => {
    const creds = h.start(LINUX, 'AWS-StartInteractiveCommand', { command: ['printf "tty:"; tty -s && echo yes'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', generateDataKey: h.kms.generateDataKey, target: LINUX });
    await dc.waitForClose();
    expect(dc.text()).toContain('tty:yes');
    expect(dc.bytes(PayloadType.ExitCode).length).toBe(0);
  });

  it("an account's own commands document: its platform's commands with the parameters filled in; no commands for Windows is InvalidDocument", async () => {
    const creds = h.start(LINUX, 'Ops-Greet', { who: ['ops'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0', generateDataKey: h.kms.generateDataKey, target: LINUX });
    await dc.waitForClose();
    expect(dc.text()).toContain('hello, ops');
    expect(() => h.start(LINUX, 'Ops-Greet', { whom: ['x'] })).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
    expect(() => h.start(WINDOWS, 'Ops-Greet')).toThrow(expect.objectContaining({ code: 'InvalidDocument', message: 'Document Ops-Greet has no properties for the Windows platform (it has linux).' }));
  });

  it('refuses unknown documents, offline and disconnected targets', () => {
    const err = (fn: () => unknown): EmulatorApiError => {
      try {
        fn();
      } catch (e) {
        if (e instanceof EmulatorApiError) return e;
      }
      throw new Error('expected an EmulatorApiError');
    };
    expect(err(() => h.start(LINUX, 'AWS-NoSuchDocument')).code).toBe('InvalidDocument');
    expect(err(() => h.start(OFFLINE)).code).toBe('TargetNotConnected');
    expect(err(() => h.start(LOST)).code).toBe('TargetNotConnected');
    expect(err(() => h.start(LINUX, 'AWS-StartPortForwardingSessionToRemoteHost', { portNumber: ['80'] })).code).toBe('ValidationException');
    expect(err(() => h.hub.resume('nobody-0123', ACCOUNT, REGION)).code).toBe('DoesNotExistException');
  });

  it('closes a socket with a bad token, and 404s an unknown data channel', async () => {
    const creds = h.start(LINUX);
    const ws = new WebSocket(creds.StreamUrl);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ MessageSchemaVersion: '1.0', RequestId: 'r', TokenValue: 'forged', ClientId: 'c' }));
    const [code, reason] = await new Promise<[number, string]>((r) => ws.once('close', (c, why) => r([c, why.toString()])));
    expect(code).toBe(1008);
    expect(reason).toContain('unknown token');
    const status = await new Promise<number>((resolve) => {
      const bad = new WebSocket(`${h.url.replace('http', 'ws')}/v1/data-channel/nobody-0123`);
      bad.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      bad.on('error', () => undefined);
    });
    expect(status).toBe(404);
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });
});
