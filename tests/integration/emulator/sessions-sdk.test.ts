import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { AccessDeniedException, ResumeSessionCommand, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { RawDataChannel } from '../../support/raw-data-channel';
import { demoFixture } from './fixture-helpers';
import { failure, signedClients, type SignedClients } from './signed-clients';

/** The whole stack as the app meets it: SDK StartSession, then the data channel at the returned StreamUrl. */
describe('Session Manager through the SDK and the emulator data channel', () => {
  let emu: RunningEmulator;
  let staging: SignedClients;
  let prod: SignedClients;
  const instanceId = (name: string) => emu.fixture().instances.find((i) => i.name === name)!.id;

  beforeAll(async () => {
    emu = await startEmulator({ fixture: demoFixture() });
    staging = await signedClients(emu, '123456789012', 'AdministratorAccess', 'eu-west-1');
    prod = await signedClients(emu, '210987654321', 'SessionManagerUser', 'eu-west-1');
  });
  afterAll(async () => {
    staging.destroy();
    prod.destroy();
    await emu.stop();
  });

  it('opens a shell at the StreamUrl StartSession returned', async () => {
    const creds = await staging.ssm.send(new StartSessionCommand({ Target: instanceId('staging-web-1') }));
    const dc = await RawDataChannel.open({ SessionId: creds.SessionId!, TokenValue: creds.TokenValue!, StreamUrl: creds.StreamUrl! }, { clientVersion: '1.2.650.0' });
    try {
      dc.sendText('echo "emulator-$((6*7))"\r');
      await dc.waitForText('emulator-42');
    } finally {
      dc.close();
      await staging.ssm.send(new TerminateSessionCommand({ SessionId: creds.SessionId! }));
    }
  });

  it('runs a KMS-encrypted session with a data key from the emulated KMS', async () => {
    // prod/eu-west-1 session preferences name a KMS key, so the agent asks for a KMS challenge.
    const target = instanceId('prod-web-1');
    const creds = await prod.ssm.send(new StartSessionCommand({ Target: target }));
    const context = { 'aws:ssm:SessionId': creds.SessionId!, 'aws:ssm:TargetId': target };
    const key = await prod.kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/session-manager', NumberOfBytes: 64, EncryptionContext: context }));
    const asked: Array<{ keyId: string; context: Record<string, string> }> = [];
    const dc = await RawDataChannel.open(
      { SessionId: creds.SessionId!, TokenValue: creds.TokenValue!, StreamUrl: creds.StreamUrl! },
      {
        clientVersion: '1.2.650.0',
        target,
        generateDataKey: (keyId, ctx) => {
          asked.push({ keyId, context: ctx });
          return { ciphertext: key.CiphertextBlob!, plaintext: key.Plaintext! };
        },
      },
    );
    try {
      // Input is encrypted only once the KMS challenge is done; the prompt arrives after it.
      await dc.waitForText('[ec2-user@prod-web-1 ~]$ ');
      dc.sendText('echo "secret-$((40+2))"\r');
      await dc.waitForText('secret-42');
      expect(asked).toEqual([{ keyId: 'alias/session-manager', context }]);
    } finally {
      dc.close();
      await prod.ssm.send(new TerminateSessionCommand({ SessionId: creds.SessionId! }));
    }
  });

  it('drops the socket after N bytes (fault set over HTTP) and resumes through ResumeSession', async () => {
    const creds = await staging.ssm.send(new StartSessionCommand({ Target: instanceId('staging-web-1') }));
    const dc = await RawDataChannel.open({ SessionId: creds.SessionId!, TokenValue: creds.TokenValue!, StreamUrl: creds.StreamUrl! }, { clientVersion: '1.2.650.0', autoResendMs: 150 });
    try {
      dc.sendText('echo ready-"$((1))"\r');
      await dc.waitForText('ready-1');
      await fetch(`${emu.url}/_emulator/faults`, { method: 'PATCH', body: JSON.stringify({ dropSocketAfterBytes: 8000 }) });
      dc.sendText('seq 1 2000; echo SEQ-"END"\r');
      await dc.waitForClose();
      emu.control.setFaults({ dropSocketAfterBytes: null });
      const resumed = await staging.ssm.send(new ResumeSessionCommand({ SessionId: creds.SessionId! }));
      await dc.connect(resumed.TokenValue!, resumed.StreamUrl!);
      await dc.waitForText('SEQ-END');
      expect(dc.text()).toContain('1999\r\n2000\r\n');
    } finally {
      dc.close();
      await staging.ssm.send(new TerminateSessionCommand({ SessionId: creds.SessionId! }));
    }
  });

  it('recycles the channel after recycleAfterSeconds and then refuses ResumeSession', async () => {
    emu.control.setFaults({ recycleAfterSeconds: 0.3 });
    try {
      const creds = await staging.ssm.send(new StartSessionCommand({ Target: instanceId('staging-web-1') }));
      const dc = await RawDataChannel.open({ SessionId: creds.SessionId!, TokenValue: creds.TokenValue!, StreamUrl: creds.StreamUrl! }, { clientVersion: '1.2.650.0' });
      await dc.waitForClose();
      expect(dc.closeCode).toBe(1000);
      const refused = await failure(staging.ssm.send(new ResumeSessionCommand({ SessionId: creds.SessionId! })));
      expect(refused).toBeInstanceOf(AccessDeniedException);
      expect(refused.$metadata!.httpStatusCode).toBe(403);
    } finally {
      emu.control.setFaults({ recycleAfterSeconds: null });
    }
  });
});
