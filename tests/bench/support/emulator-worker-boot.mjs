// Neither a worker thread nor a forked child inherits tsx's loader: register it, then load the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./emulator-worker.ts');
