import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { StartEmulatorOptions } from '../../../emulator/index';
import type { EmulatorWorkerReady, EmulatorWorkerRequest } from './emulator-worker';

export interface ThreadedEmulator extends EmulatorWorkerReady {
  /** API calls served so far, sign-in calls left out. */
  callCount(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the emulator in a worker thread (see emulator-worker.ts). */
export async function startThreadedEmulator(options: StartEmulatorOptions): Promise<ThreadedEmulator> {
  const worker = new Worker(new URL('./emulator-worker-boot.mjs', import.meta.url), { workerData: options });
  const [first] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([e]) => Promise.reject(e as Error))])) as [{ ready: EmulatorWorkerReady }];
  let nextId = 1;
  const ask = async (call: EmulatorWorkerRequest['call']): Promise<number> => {
    const id = nextId++;
    const answer = new Promise<number>((resolve) => {
      const onMessage = (m: { id?: number; value?: number }) => {
        if (m.id !== id) return;
        worker.off('message', onMessage);
        resolve(m.value ?? 0);
      };
      worker.on('message', onMessage);
    });
    worker.postMessage({ id, call } satisfies EmulatorWorkerRequest);
    return answer;
  };
  return {
    ...first.ready,
    callCount: () => ask('callCount'),
    async stop() {
      await ask('stop');
      await worker.terminate();
    },
  };
}
