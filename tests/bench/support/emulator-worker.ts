import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type StartEmulatorOptions } from '../../../emulator/index';

/**
 * The emulator on its own thread, for benches that time our side: AWS does its work on its own
 * machines, so the emulator's CPU must not queue behind ours on one event loop.
 */
export type EmulatorWorkerRequest = { id: number; call: 'callCount' | 'stop' };
export interface EmulatorWorkerReady {
  url: string;
  awsConfigSnippet: string;
}

const port = parentPort!;
const emulator = await startEmulator(workerData as StartEmulatorOptions);
port.postMessage({ ready: { url: emulator.url, awsConfigSnippet: emulator.awsConfigSnippet() } satisfies EmulatorWorkerReady });
port.on('message', async (req: EmulatorWorkerRequest) => {
  if (req.call === 'callCount') port.postMessage({ id: req.id, value: emulator.control.calls().filter((c) => !/Token|Authorization|RegisterClient/.test(c.api)).length });
  else {
    await emulator.stop();
    port.postMessage({ id: req.id, value: 0 });
    port.close();
  }
});
