import { createServer, type AddressInfo } from 'node:net';
import type { Pace } from '../../emulator/agent/output-pump';
import { PayloadType } from '../../main/core/ssm/constants';
import { RawDataChannel } from '../support/raw-data-channel';
import { ACCOUNT, REGION, attachSmuxClient, baseFixture, startHarness } from '../integration/emulator-agent/harness';
import type { BenchResult } from './types';

/**
 * Agent → client throughput of the emulated agent, faithful pacing (1 KiB reads, 1 ms pause, as
 * the real agent) against unpaced, measured with the raw test client in the same process.
 * Ratios are faithful / none: how much the agent's own pacing costs.
 */

const PORT_BYTES = 4 * 1024 * 1024;
const SHELL_BYTES = 2 * 1024 * 1024;
const LINUX = 'i-0123456789abcdef0';

async function sourceServer(bytes: number): Promise<{ address: string; close: () => void }> {
  const block = Buffer.alloc(bytes, 0x5a);
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.end(block);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function portDownload(pace: Pace, address: string): Promise<number> {
  const h = await startHarness(baseFixture([{ id: LINUX, ports: { '5432': address } }]), pace);
  try {
    const creds = h.start(LINUX, 'AWS-StartPortForwardingSession', { portNumber: ['5432'] });
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitFor(() => dc.bytes(PayloadType.HandshakeComplete).length > 0, 'HandshakeComplete');
    const mux = attachSmuxClient(dc);
    const t0 = performance.now();
    const stream = mux.openStream();
    await new Promise<void>((resolve) => {
      let got = 0;
      stream.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= PORT_BYTES) resolve();
      });
    });
    const seconds = (performance.now() - t0) / 1000;
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
    return PORT_BYTES / 1024 / 1024 / seconds;
  } finally {
    await h.close();
  }
}

async function shellOutput(pace: Pace): Promise<number> {
  const h = await startHarness(baseFixture([{ id: LINUX }]), pace);
  try {
    const creds = h.start(LINUX);
    const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
    await dc.waitForText('$ ');
    const t0 = performance.now();
    dc.sendText(`head -c ${SHELL_BYTES} /dev/zero | tr "\\0" x; echo; echo BENCH-"END"\r`);
    await dc.waitForText('BENCH-END', 120_000);
    const seconds = (performance.now() - t0) / 1000;
    dc.close();
    h.hub.terminate(creds.SessionId, ACCOUNT, REGION);
    return SHELL_BYTES / 1024 / 1024 / seconds;
  } finally {
    await h.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const src = await sourceServer(PORT_BYTES);
  try {
    const portNone = await portDownload('none', src.address);
    const portFaithful = await portDownload('faithful', src.address);
    const shellNone = await shellOutput('none');
    const shellFaithful = await shellOutput('faithful');
    const unit = 'MiB/s';
    return [
      { name: 'emulator agent port download, pace none', value: portNone, unit, notes: '4 MiB through one smux stream' },
      {
        name: 'emulator agent port download, pace faithful',
        value: portFaithful,
        unit,
        baseline: { name: 'pace none', value: portNone, unit },
        ratio: portFaithful / portNone,
        notes: '1 KiB messages, 1 ms pause',
      },
      { name: 'emulator agent shell output, pace none', value: shellNone, unit, notes: '2 MiB from a pty' },
      {
        name: 'emulator agent shell output, pace faithful',
        value: shellFaithful,
        unit,
        baseline: { name: 'pace none', value: shellNone, unit },
        ratio: shellFaithful / shellNone,
      },
    ];
  } finally {
    src.close();
  }
}
