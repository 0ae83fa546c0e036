#!/usr/bin/env node
// `npm run demo`: the desktop app against the embedded emulator's demo fleet. Electron 42+
// fetches its binary on first use; where that cannot happen (no network, as on our build
// machines) the demo says so and runs the same app in the browser instead (`npm run demo:web`).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function electronBinary() {
  // In a child process with a time limit: a first use downloads the binary, which may hang offline.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return probe.status === 0 && probe.stdout ? probe.stdout.trim() : null;
}

function runWebDemo(reason) {
  console.log(`${reason}\nStarting the browser version instead (npm run demo:web).\n`);
  // The web host names the command the person typed when it refuses a URL without its token.
  const child = spawn(npm, ['run', 'demo:web'], { cwd: root, stdio: 'inherit', env: { ...process.env, BASTIONLESS_LAUNCHED_AS: 'npm run demo' } });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = electronBinary();
if (!electron) {
  runWebDemo('The Electron binary is not available on this machine (it downloads on first use and needs network access).');
} else {
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);

  // The emulator runs beside the app, exactly as `npm run emulator` would; its printed exports
  // point the app at it.
  const emulator = spawn(npm, ['run', '--silent', 'emulator', '--', '--fixture', 'emulator/fixtures/demo.json', '--auto-approve'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BASTIONLESS_DEMO: the app signs itself in (the emulator approves) and keeps the tokens in memory.
  const env = { ...process.env, BASTIONLESS_EMULATOR: '1', BASTIONLESS_DEMO: '1' };
  const config = [];
  let inConfig = false;
  const lines = createInterface({ input: emulator.stdout });
  lines.on('line', (line) => {
    const exported = /^export (AWS_[A-Z_]+)=(.*)$/.exec(line);
    if (exported) env[exported[1]] = exported[2];
    else if (line.startsWith('# ~/.aws/config snippet')) inConfig = true;
    else if (line.startsWith('# Sign-in page')) inConfig = false;
    else if (inConfig) config.push(line);
    if (line === '# Ready.') launch();
  });
  const launch = () => {
    // A private data folder and AWS config: the demo never touches the user's real ones.
    const home = mkdtempSync(join(tmpdir(), 'bastionless-demo-'));
    env.BASTIONLESS_DATA_DIR = join(home, 'data');
    env.AWS_CONFIG_FILE = join(home, 'aws-config');
    env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'aws-credentials');
    writeFileSync(env.AWS_CONFIG_FILE, `${config.join('\n')}\n`, { mode: 0o600 });
    const app = spawn(electron, ['.'], { cwd: root, env, stdio: 'inherit' });
    app.on('exit', (code) => {
      emulator.kill('SIGTERM');
      process.exit(code ?? 0);
    });
  };
  emulator.on('exit', (code) => {
    if (!env.AWS_ENDPOINT_URL_SSM) {
      console.error(`The emulator stopped before it was ready (exit ${code}).`);
      process.exit(1);
    }
  });
}
