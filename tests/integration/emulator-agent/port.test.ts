import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType, PortFlag } from '../../../main/core/ssm/constants';
import { buildFlag, parseFlag, parseHandshakeComplete, parseHandshakeRequest } from '../../../main/core/ssm/payloads';
import { RawDataChannel } from '../../support/raw-data-channel';
import { ACCOUNT, REGION, attachSmuxClient, baseFixture, echoThrough, sha256Hex as sha, startEchoServer, startHarness, type Harness } from './harness';

const NEW_AGENT = 'i-0aaaaaaaaaaaaaaa1';
const OLD_AGENT = 'i-0bbbbbbbbbbbbbbb2';

async function startBannerServer(banner: string): Promise<{ address: string; server: ReturnType<typeof createServer> }> {
  const server = createServer((socket) => socket.end(banner));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('emulated agent: port sessions', () => {
  let h: Harness;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  beforeAll(async () => {
    echo = await startEchoServer();
    h = await startHarness(
      baseFixture([
        { id: NEW_AGENT, agentVersion: '3.3.1802.0', ports: { '5432': echo.address }, remoteHosts: { 'db.internal:3306': echo.address } },
        { id: OLD_AGENT, agentVersion: '3.0.161.0', ports: { '22': echo.address, '80': echo.address } },
      ]),
    );
  });
  afterAll(async () => {
    await h.close();
    echo.server.close();
  });

  it('mux: handshake first, then several concurrent smux streams echo byte-exact', async () => {
    const creds = h.start(NEW_AGENT, 'AWS-StartPortForwardingSession', { portNumber: ['5432'], localPortNumber: ['0'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const outs = dc.messages(MessageType.OutputStreamData);
    expect(outs[0]?.payloadType).toBe(PayloadType.HandshakeRequest);
    expect(outs[0]?.sequenceNumber).toBe(0);
    expect(outs[0]?.flags).toBe(1);
    const req = parseHandshakeRequest(outs[0]!.payload);
    expect(req.AgentVersion).toBe('3.3.1802.0');
    expect(req.RequestedClientActions).toEqual([
      { ActionType: 'SessionType', ActionParameters: { SessionType: 'Port', Properties: { localPortNumber: '0', portNumber: '5432', type: 'LocalPortForwarding' } } },
    ]);
    expect(outs[1]?.payloadType).toBe(PayloadType.HandshakeComplete);
    expect(outs[1]?.sequenceNumber).toBe(1);
    expect(parseHandshakeComplete(outs[1]!.payload).CustomerMessage).toBe('');

    const mux = attachSmuxClient(dc);
    const payloads = [randomBytes(200_000), randomBytes(70_000), Buffer.from('hello\n')];
    const results = await Promise.all(payloads.map((p) => echoThrough(mux.openStream(), p)));
    results.forEach((r, i) => expect(sha(r)).toBe(sha(payloads[i]!)));
    // faithful pacing: no agent payload above 1024 bytes
    expect(Math.max(...dc.messages(MessageType.OutputStreamData).map((m) => m.payload.length))).toBeLessThanOrEqual(1024);
    expect(h.hub.stats(creds.SessionId)?.agent.handshake).toBe('complete');
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('mux: a destination that does not exist answers ConnectToPortError and the listener keeps working', async () => {
    const creds = h.start(NEW_AGENT, 'AWS-StartPortForwardingSessionToRemoteHost', { host: ['nowhere.internal'], portNumber: ['3306'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const mux = attachSmuxClient(dc);
    const s = mux.openStream();
    const ended = new Promise<void>((resolve) => s.on('end', resolve));
    s.resume();
    await dc.waitFor(() => (dc.streams.get(PayloadType.Flag) ?? []).length > 0, 'ConnectToPortError flag');
    expect(parseFlag(dc.streams.get(PayloadType.Flag)![0]!)).toBe(PortFlag.ConnectToPortError);
    await ended; // the agent closed the smux stream (FIN)
    // TerminateSession flag ends the session: channel_closed follows
    dc.send(PayloadType.Flag, buildFlag(PortFlag.TerminateSession));
    await dc.waitForClose();
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(1);
  });

  it('remote host document reaches the mapped host', async () => {
    const creds = h.start(NEW_AGENT, 'AWS-StartPortForwardingSessionToRemoteHost', { host: ['db.internal'], portNumber: ['3306'], localPortNumber: ['15432'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const props = parseHandshakeRequest(dc.bytes(PayloadType.HandshakeRequest)).RequestedClientActions[0]!.ActionParameters;
    expect(props).toMatchObject({ Properties: { host: 'db.internal', portNumber: '3306', localPortNumber: '15432' } });
    const data = randomBytes(5000);
    expect(sha(await echoThrough(attachSmuxClient(dc).openStream(), data))).toBe(sha(data));
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('basic mode for an agent without mux: raw bytes, DisconnectToPort then re-dial on next data', async () => {
    const before = echo.connections();
    const creds = h.start(OLD_AGENT, 'AWS-StartPortForwardingSession', { portNumber: ['80'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const first = randomBytes(3000);
    dc.send(PayloadType.Output, first);
    await dc.waitFor(() => dc.bytes().length >= first.length, 'first echo');
    expect(dc.bytes().equals(first)).toBe(true);
    dc.send(PayloadType.Flag, buildFlag(PortFlag.DisconnectToPort));
    const second = Buffer.from('second connection');
    dc.send(PayloadType.Output, second);
    await dc.waitFor(() => dc.bytes().length >= first.length + second.length, 'second echo');
    expect(dc.bytes().subarray(first.length).equals(second)).toBe(true);
    expect(echo.connections() - before).toBe(2);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('old client version (< 1.1.70) gets basic mode even from a new agent', async () => {
    const creds = h.start(NEW_AGENT, 'AWS-StartPortForwardingSession', { portNumber: ['5432'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.1.61.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const data = Buffer.from('not smux at all');
    dc.send(PayloadType.Output, data);
    await dc.waitFor(() => dc.bytes().length >= data.length, 'echo');
    expect(dc.bytes().equals(data)).toBe(true);
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('stdio (SSH document): no type property, bytes both ways; destination EOF ends the session', async () => {
    const creds = h.start(OLD_AGENT, 'AWS-StartSSHSession', { portNumber: ['22'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const props = parseHandshakeRequest(dc.bytes(PayloadType.HandshakeRequest)).RequestedClientActions[0]!.ActionParameters;
    expect(props).toEqual({ SessionType: 'Port', Properties: { portNumber: '22' } });
    const data = randomBytes(10_000);
    dc.send(PayloadType.Output, data);
    await dc.waitFor(() => dc.bytes().length >= data.length, 'echo');
    expect(sha(dc.bytes())).toBe(sha(data));
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
  });

  it('stdio: the destination closing ends the session normally (channel_closed, Terminated)', async () => {
    const banner = await startBannerServer('SSH-2.0-OpenSSH_9.6\r\n');
    h.fixture.instances.find((i) => i.id === OLD_AGENT)!.ports['2222'] = banner.address;
    const creds = h.start(OLD_AGENT, 'AWS-StartSSHSession', { portNumber: ['2222'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForClose();
    expect(dc.text()).toBe('SSH-2.0-OpenSSH_9.6\r\n');
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(1);
    expect(h.hub.stats(creds.SessionId)?.status).toBe('Terminated');
    banner.server.close();
  });

  it('basic mode dial failure at session start fails the session with a reason', async () => {
    const creds = h.start(OLD_AGENT, 'AWS-StartPortForwardingSession', { portNumber: ['9999'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForClose();
    const closed = dc.messages(MessageType.ChannelClosed);
    expect(closed).toHaveLength(1);
    expect(Buffer.from(closed[0]!.payload).toString()).toContain('connection refused');
    expect(h.hub.stats(creds.SessionId)?.status).toBe('Failed');
  });
});
