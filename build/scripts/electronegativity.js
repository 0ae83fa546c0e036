#!/usr/bin/env node
// Security lint of the Electron layer with @doyensec/electronegativity (part of `npm run lint`).
// Scans main/electron, the preload and the renderer's HTML; writes the raw CSV and a summary to
// test-artifacts/electronegativity/; fails on any HIGH or MEDIUM finding that is not accepted,
// with a reason, in build/electronegativity-accepted.json. Offline the tool warns that it cannot
// fetch Electron's release list; the checks themselves run locally.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test-artifacts', 'electronegativity');
const stage = join(outDir, 'input');
const csvPath = join(outDir, 'results.csv');
const acceptedPath = join(root, 'build', 'electronegativity-accepted.json');
const SCANNED = ['main/electron', 'preload/index.ts', 'preload/electron-wire.ts', 'renderer/index.html', 'package.json'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

function fail(message) {
  console.error(`electronegativity: ${message}`);
  process.exit(1);
}

// A copy of just the scanned files, so the tool neither wanders into node_modules nor reports
// global checks (CSP, permission handler, navigation) against code that is not the app's.
rmSync(outDir, { recursive: true, force: true });
for (const path of SCANNED) {
  if (!existsSync(join(root, path))) fail(`${path} is missing; the scan list in ${relative(root, fileURLToPath(import.meta.url))} is out of date`);
  mkdirSync(dirname(join(stage, path)), { recursive: true });
  cpSync(join(root, path), join(stage, path), { recursive: true });
}

const require = createRequire(import.meta.url);
const tool = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');
const electronVersion = require('electron/package.json').version;
const run = spawnSync(process.execPath, [tool, '-i', stage, '-o', csvPath, '-r', '-e', electronVersion], {
  cwd: root,
  encoding: 'utf8',
  timeout: 180_000,
});
if (run.error) fail(`could not run: ${run.error.message}`);
if (!existsSync(csvPath)) fail(`no results were written (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);

/** The tool's CSV: quoted fields, commas inside quotes, no embedded newlines. */
function parseCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

const lines = readFileSync(csvPath, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
const findings = lines.slice(1).map((line) => {
  const [check, severity, confidence, file, location, sample, description] = parseCsvLine(line);
  return { check, severity, confidence, file, location, sample, description };
});

const acceptedFile = JSON.parse(readFileSync(acceptedPath, 'utf8'));
const accepted = Array.isArray(acceptedFile.accepted) ? acceptedFile.accepted : [];
for (const entry of accepted) {
  if (typeof entry.check !== 'string' || typeof entry.file !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
    fail(`every entry in ${relative(root, acceptedPath)} needs "check", "file" and a written "reason": ${JSON.stringify(entry)}`);
  }
}
const acceptanceFor = (finding) => accepted.find((entry) => entry.check === finding.check && entry.file === finding.file);

const blocking = [];
const used = new Set();
console.log(`electronegativity ${electronVersion ? `(Electron ${electronVersion})` : ''}: ${findings.length} finding(s)`);
for (const finding of findings) {
  const acceptance = acceptanceFor(finding);
  if (acceptance) used.add(acceptance);
  const status = acceptance ? 'accepted' : BLOCKING.has(finding.severity) ? 'BLOCKING' : 'info';
  if (status === 'BLOCKING') blocking.push(finding);
  console.log(`  [${status}] ${finding.severity}/${finding.confidence} ${finding.check} ${finding.file}:${finding.location} — ${finding.description}`);
}
const stale = accepted.filter((entry) => !used.has(entry));
for (const entry of stale) console.log(`  note: accepted ${entry.check} in ${entry.file} no longer occurs; remove it from the list`);

writeFileSync(
  join(outDir, 'summary.json'),
  `${JSON.stringify({ electronVersion, scanned: SCANNED, findings, blocking: blocking.length, staleAcceptances: stale }, null, 2)}\n`,
);
rmSync(stage, { recursive: true, force: true });

if (blocking.length > 0) {
  fail(`${blocking.length} HIGH/MEDIUM finding(s) to fix, or to accept with a reason in ${relative(root, acceptedPath)}`);
}
console.log('electronegativity: no unaccepted HIGH or MEDIUM findings');
