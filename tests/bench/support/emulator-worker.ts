import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type StartEmulatorOptions } from '../../../emulator/index';
import type { FaultsPatch } from '../../../emulator/control';

/**
 * The emulator on its own thread or in its own process, for benches that time our side: AWS does
 * its work on its own machines, so the emulator's CPU must not queue behind ours on one event
 * loop. A thread is cheaper; a process is needed for PTY shells (node-pty cannot load in a worker
 * thread) and keeps the agent's PTY reads off our event loop, as on a real instance.
 */
/** What the bench asks of the emulator; `id` pairs each answer with its request. */
export type EmulatorWorkerCall = { call: 'callCount' | 'callsByApi' | 'stop' } | { call: 'setFaults'; patch: FaultsPatch };
export type EmulatorWorkerRequest = EmulatorWorkerCall & { id: number };
export interface EmulatorWorkerReady {
  url: string;
  awsConfigSnippet: string;
}
/** What a child process gets first: the options a worker thread gets as workerData. */
export interface EmulatorWorkerStart {
  start: StartEmulatorOptions;
}

interface Link {
  /** Resolves once the message has left. */
  post(message: unknown): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

function parentLink(): Link {
  if (parentPort) {
    const port = parentPort;
    return { post: async (m) => port.postMessage(m), onMessage: (l) => port.on('message', l), close: () => port.close() };
  }
  if (!process.send) throw new Error('emulator-worker runs as a worker thread or a forked child process');
  return {
    post: (m) => new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve())),
    onMessage: (l) => process.on('message', l),
    // Exiting (rather than being killed) lets --cpu-prof write the emulator's profile.
    close: () => process.exit(0),
  };
}

async function startOptions(link: Link): Promise<StartEmulatorOptions> {
  if (parentPort) return workerData as StartEmulatorOptions;
  return new Promise((resolve) => link.onMessage((m) => (m as Partial<EmulatorWorkerStart>).start && resolve((m as EmulatorWorkerStart).start)));
}

const link = parentLink();
const emulator = await startEmulator(await startOptions(link));
await link.post({ ready: { url: emulator.url, awsConfigSnippet: emulator.awsConfigSnippet() } satisfies EmulatorWorkerReady });
/** Sign-in calls (device flow) are left out: benches time what happens once signed in. */
const apiCalls = () => emulator.control.calls().filter((c) => !/Token|Authorization|RegisterClient/.test(c.api));
link.onMessage(async (message) => {
  const req = message as Partial<EmulatorWorkerRequest>;
  if (req.call === 'callCount') await link.post({ id: req.id, value: apiCalls().length });
  else if (req.call === 'callsByApi') {
    const byApi: Record<string, number> = {};
    for (const c of apiCalls()) byApi[c.api] = (byApi[c.api] ?? 0) + 1;
    await link.post({ id: req.id, value: byApi });
  }
  else if (req.call === 'setFaults' && req.patch) {
    emulator.control.setFaults(req.patch);
    await link.post({ id: req.id, value: 0 });
  } else if (req.call === 'stop') {
    await emulator.stop();
    await link.post({ id: req.id, value: 0 });
    link.close();
  }
});
