import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SignInTarget } from '../../../emulator/sdk-login';
import type { StartEmulatorOptions } from '../../../emulator/index';
import type { FaultsPatch } from '../../../emulator/control';
import type { EmulatorWorkerCall, EmulatorWorkerReady, EmulatorWorkerRequest, EmulatorWorkerStart } from './emulator-worker';

/** The emulator off our event loop (see emulator-worker.ts). */
export interface RemoteEmulator extends EmulatorWorkerReady {
  /** Sign-in needs the SSO start URL and region (see emulator/sdk-login.ts). */
  fixture: SignInTarget['fixture'];
  /** API calls served so far, sign-in calls left out. */
  callCount(): Promise<number>;
  /** The same, per API name (the emulator keeps the last 10,000 calls). */
  callsByApi(): Promise<Record<string, number>>;
  /** The control API's setFaults, in the emulator's process. */
  setFaults(patch: FaultsPatch): Promise<void>;
  stop(): Promise<void>;
}

interface Endpoint {
  post(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  off(event: 'message', listener: (message: unknown) => void): void;
  end(): Promise<void>;
}

const BOOT = new URL('./emulator-worker-boot.mjs', import.meta.url);

function threadEndpoint(options: StartEmulatorOptions): { endpoint: Endpoint; failed: Promise<never> } {
  const worker = new Worker(BOOT, { workerData: options });
  return {
    endpoint: { post: (m) => worker.postMessage(m), on: (e, l) => worker.on(e, l), off: (e, l) => worker.off(e, l), end: async () => void (await worker.terminate()) },
    failed: once(worker, 'error').then(([e]) => Promise.reject(e as Error)),
  };
}

function processEndpoint(options: StartEmulatorOptions): { endpoint: Endpoint; failed: Promise<never> } {
  const child: ChildProcess = fork(BOOT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ start: options } satisfies EmulatorWorkerStart);
  return {
    endpoint: {
      post: (m) => child.send(m as object),
      on: (e, l) => child.on(e, l),
      off: (e, l) => child.off(e, l),
      async end() {
        // It exits by itself after answering 'stop'; a kill only if it does not within a second.
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        const timer = setTimeout(() => child.kill(), 1000);
        await exited;
        clearTimeout(timer);
      },
    },
    failed: once(child, 'exit').then(([code]) => Promise.reject(new Error(`the emulator process exited (code ${String(code)}) before it was ready`))),
  };
}

/** Starts the emulator in a worker thread, or in a child process (needed for PTY shells). */
export async function startRemoteEmulator(options: StartEmulatorOptions, where: 'thread' | 'process' = 'thread'): Promise<RemoteEmulator> {
  const { endpoint, failed } = where === 'thread' ? threadEndpoint(options) : processEndpoint(options);
  const ready = new Promise<EmulatorWorkerReady>((resolve) => {
    const onReady = (m: unknown) => {
      const r = (m as { ready?: EmulatorWorkerReady }).ready;
      if (!r) return;
      endpoint.off('message', onReady);
      resolve(r);
    };
    endpoint.on('message', onReady);
  });
  failed.catch(() => undefined);
  const first = await Promise.race([ready, failed]);
  let nextId = 1;
  const ask = <T>(request: EmulatorWorkerCall): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve) => {
      const onMessage = (m: unknown) => {
        const answer = m as { id?: number; value: T };
        if (answer.id !== id) return;
        endpoint.off('message', onMessage);
        resolve(answer.value);
      };
      endpoint.on('message', onMessage);
      endpoint.post({ id, ...request } satisfies EmulatorWorkerRequest);
    });
  };
  const { sso } = options.fixture;
  return {
    ...first,
    fixture: () => ({ sso }),
    callCount: () => ask<number>({ call: 'callCount' }),
    callsByApi: () => ask<Record<string, number>>({ call: 'callsByApi' }),
    setFaults: async (patch) => void (await ask<number>({ call: 'setFaults', patch })),
    async stop() {
      await ask<number>({ call: 'stop' });
      await endpoint.end();
    },
  };
}
