import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFixture, type Fixture } from '../../../emulator/fixture';

const DEMO = fileURLToPath(new URL('../../../emulator/fixtures/demo.json', import.meta.url));

/** A fresh copy of the shipped demo fixture, so a test may change it without touching others. */
export function demoFixture(): Fixture {
  return parseFixture(JSON.parse(readFileSync(DEMO, 'utf8')), DEMO);
}
