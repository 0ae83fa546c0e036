#!/usr/bin/env node
// The `bastionless` command in a checkout: the TypeScript sources run through tsx's ESM loader.
// The packaged app ships the esbuild bundle instead (out/cli/bastionless.mjs, `node build-cli`),
// which needs neither tsx nor the sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
await main();
