import { AppStateStore } from './app-state';

/**
 * Composition root of the core: builds the service graph once per process, for whichever host
 * (Electron, web host, CLI) runs it. Features add their services here.
 */
export interface CoreOptions {
  version: string;
  /** True when AWS_ENDPOINT_URL_* point at the embedded emulator. */
  emulator: boolean;
}

export interface CoreServices {
  options: CoreOptions;
  appState: AppStateStore;
  dispose(): Promise<void>;
}

export function createCoreServices(options: CoreOptions): CoreServices {
  const appState = new AppStateStore();
  return {
    options,
    appState,
    async dispose() {},
  };
}
