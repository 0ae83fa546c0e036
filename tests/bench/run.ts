/**
 * `npm run bench`: runs every tests/bench/*.bench.ts (each exports `run(): Promise<BenchResult[]>`),
 * prints a table and writes bench-results/bench.json. Optional filter: `npm run bench -- ssm`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const all: Record<string, BenchResult[]> = {};
const failed: string[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== 'function') {
    console.error(`${file}: no exported run(); skipped`);
    continue;
  }
  let results: BenchResult[];
  try {
    results = await mod.run();
  } catch (err) {
    // One broken bench must not hide the others' figures; the run still fails at the end.
    console.error(`\n${file} failed: ${err instanceof Error ? err.message : String(err)}`);
    failed.push(file);
    continue;
  }
  all[file] = results;
  console.log(`\n${file}`);
  for (const r of results) {
    const base = r.baseline ? `  baseline ${r.baseline.name} ${r.baseline.value.toFixed(1)} ${r.baseline.unit}` : '';
    const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(3)}` : '';
    console.log(`  ${r.name.padEnd(52)} ${r.value.toFixed(1).padStart(10)} ${r.unit}${base}${ratio}${r.notes ? `  (${r.notes})` : ''}`);
  }
}
const out = join(here, '..', '..', 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results: all }, null, 2));
console.log(`\nwritten ${join(out, 'bench.json')}`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
