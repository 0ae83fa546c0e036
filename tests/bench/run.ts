/**
 * `npm run bench`: runs every tests/bench/*.bench.ts (each exports `run(): Promise<BenchResult[]>`),
 * prints a table and writes bench-results/bench.json. Optional filter: `npm run bench -- ssm`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { BenchResult } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const resultSchema = z.object({
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  baseline: z.object({ name: z.string(), value: z.number(), unit: z.string() }).optional(),
  ratio: z.number().optional(),
  notes: z.string().optional(),
});
const benchFileSchema = z.object({ results: z.record(z.string(), z.array(resultSchema)) });

/** The last run's figures; a missing or unreadable file keeps nothing. */
function previousResults(path: string): Record<string, BenchResult[]> {
  if (!existsSync(path)) return {};
  try {
    return benchFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).results;
  } catch (err) {
    console.error(`${path} is not a bench result file (${err instanceof Error ? err.message : String(err)}); writing this run's figures only`);
    return {};
  }
}

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
const file = join(out, 'bench.json');
mkdirSync(out, { recursive: true });
// A filtered run replaces its own benches' figures and keeps the others' from the last run.
const kept = filter ? previousResults(file) : {};
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, results: { ...kept, ...all } }, null, 2));
console.log(`\nwritten ${file}${filter ? ` (${Object.keys(kept).filter((k) => !(k in all)).length} other bench file(s) kept from the last run)` : ''}`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
