#!/usr/bin/env node
// Checks electron-builder.yml against electron-builder's own schema, offline (no packaging).
import { readFileSync } from 'node:fs';
import configModule from 'app-builder-lib/out/util/config/config.js';
import builderUtil from 'builder-util';

const { getConfig, validateConfiguration } = configModule;
const version = JSON.parse(readFileSync(new URL('../../node_modules/app-builder-lib/package.json', import.meta.url), 'utf8')).version;

try {
  const config = await getConfig(process.cwd(), 'electron-builder.yml', null);
  await validateConfiguration(config, new builderUtil.DebugLogger(false));
  console.log(`electron-builder.yml matches the electron-builder ${version} schema`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
