import { randomBytes } from 'node:crypto';
import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { ResumeSessionCommand, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { PayloadType } from '../../../main/core/ssm/constants';
import { RawDataChannel, type Credentials } from '../../support/raw-data-channel';
import { failure, signedClients, type SignedClients } from '../emulator/signed-clients';
import { ACCOUNT, REGION, attachSmuxClient, baseFixture, echoThrough, sha256Hex, startEchoServer } from './harness';

const LINUX = 'i-0123456789abcdef0';

function creds(out: { SessionId?: string; TokenValue?: string; StreamUrl?: string }): Credentials {
  return { SessionId: out.SessionId!, TokenValue: out.TokenValue!, StreamUrl: out.StreamUrl! };
}

describe('the session hub inside the full emulator, driven by the AWS SDK', () => {
  let emu: RunningEmulator;
  let aws: SignedClients;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  beforeAll(async () => {
    echo = await startEchoServer();
    emu = await startEmulator({
      fixture: baseFixture([{ id: LINUX, name: 'web-1', ports: { '5432': echo.address } }], {
        accounts: [{ id: ACCOUNT, name: 'test', roles: [{ name: 'AdministratorAccess' }], regions: [REGION] }],
        sessionPreferences: { '*': { kmsKeyId: 'alias/session-manager' } },
      }),
      pace: 'faithful',
    });
    aws = await signedClients(emu, ACCOUNT, 'AdministratorAccess', REGION);
  });
  afterAll(async () => {
    aws.destroy();
    await emu.stop();
    echo.server.close();
  });

  it('KMS-encrypted shell with data keys from the emulated KMS', async () => {
    const started = await aws.ssm.send(new StartSessionCommand({ Target: LINUX }));
    expect(started.StreamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${emu.port}/v1/data-channel/${started.SessionId}\\?role=publish_subscribe`));
    // The raw client wants a synchronous GenerateDataKey: fetch the key ahead through the SDK.
    const out = await aws.kms.send(
      new GenerateDataKeyCommand({ KeyId: 'alias/session-manager', NumberOfBytes: 64, EncryptionContext: { 'aws:ssm:SessionId': started.SessionId!, 'aws:ssm:TargetId': LINUX } }),
    );
    const dc = await RawDataChannel.open(creds(started), {
      clientVersion: '1.2.650.0',
      target: LINUX,
      generateDataKey: () => ({ ciphertext: out.CiphertextBlob!, plaintext: out.Plaintext! }),
    });
    await dc.waitForText('[ec2-user@web-1 ~]$ ');
    dc.sendText('echo "kms-$((2*21))"; exit\r');
    await dc.waitForClose();
    expect(dc.text()).toContain('kms-42');
  });

  it('mux port session via StartSession, then TerminateSession closes the channel', async () => {
    const started = await aws.ssm.send(new StartSessionCommand({ Target: LINUX, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['5432'], localPortNumber: ['0'] } }));
    const dc = await RawDataChannel.open(creds(started), { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const data = randomBytes(100_000);
    expect(sha256Hex(await echoThrough(attachSmuxClient(dc).openStream(), data))).toBe(sha256Hex(data));
    await aws.ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    await dc.waitForClose();
    expect(dc.closeCode).toBe(1000);
  });

  it('recycle fault set through the control API: socket closed, ResumeSession answered with HTTP 403', async () => {
    emu.control.setFaults({ recycleAfterSeconds: 0.3 });
    try {
      const started = await aws.ssm.send(new StartSessionCommand({ Target: LINUX, DocumentName: 'AWS-StartSSHSession', Parameters: { portNumber: ['5432'] } }));
      const dc = await RawDataChannel.open(creds(started), { clientVersion: '1.2.650.0' });
      await dc.waitForClose();
      expect(dc.closeReason).toBe('Bye');
      const refused = await failure(aws.ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId! })));
      expect(refused.$metadata?.httpStatusCode).toBe(403);
      expect(refused.name).toBe('AccessDeniedException');
    } finally {
      emu.control.setFaults({ recycleAfterSeconds: null });
    }
  });
});
