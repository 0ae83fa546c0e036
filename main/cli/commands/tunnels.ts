import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { AppError } from '../../core/errors';
import type { TunnelProfile } from '../../core/tunnels/profile-schema';
import type { TunnelsArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { onInterrupt } from '../signals';
import { watchTunnelCountdown, type CliCountdown } from '../countdown';

/**
 * `bastionless tunnels`: the app's saved profiles (same file, same TunnelService). `start` runs
 * the tunnel in this process until Ctrl-C and leaves a run file (pid, address) in the data
 * folder, which is how `stop` and `list` from another terminal find it.
 */

const RUN_DIR = 'cli-tunnels';
const RunFileSchema = z.object({ pid: z.number().int().positive(), profileId: z.string(), name: z.string(), address: z.string() });
type RunFile = z.infer<typeof RunFileSchema>;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function runningTunnels(dir: string): Promise<RunFile[]> {
  const folder = join(dir, RUN_DIR);
  const names = await readdir(folder).catch(() => [] as string[]);
  const found: RunFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const parsed = RunFileSchema.safeParse(await readFile(join(folder, name), 'utf8').then(JSON.parse, () => undefined));
    if (parsed.success && alive(parsed.data.pid)) found.push(parsed.data);
    else await rm(join(folder, name), { force: true }); // left by a killed process
  }
  return found;
}

export function findProfile(profiles: readonly TunnelProfile[], name: string): TunnelProfile {
  const exact = profiles.filter((p) => p.id === name || p.name === name);
  const found = exact.length ? exact : profiles.filter((p) => p.name.toLowerCase() === name.toLowerCase());
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new AppError('target-ambiguous', `${found.length} profiles are called "${name}": ${found.map((p) => p.id).join(', ')}.`, 'Use the profile id instead (see `bastionless tunnels list --json`).');
  throw new AppError('profile-not-found', `No tunnel profile "${name}".`, profiles.length ? `Profiles: ${profiles.map((p) => p.name).join(', ')}.` : 'Create profiles in the app (Tunnels view); the command uses the same ones.');
}

function destination(p: TunnelProfile): string {
  const where = p.target.type === 'instance' ? p.target.instanceId : Object.entries(p.target.tags).map(([k, v]) => `${k}=${v}`).join(',');
  return `${p.remoteHost ? `${p.remoteHost}:` : 'port '}${p.remotePort} via ${where} (${p.source.accountId}/${p.region})`;
}

export async function tunnels(ctx: CliContext, args: TunnelsArgs): Promise<number> {
  const core = ctx.core();
  const service = core.tunnels();
  const profiles = await service.listProfiles();
  const running = await runningTunnels(core.dataDir);

  if (args.action === 'list') {
    if (args.json) {
      ctx.out(JSON.stringify(profiles.map((p) => ({ ...p, running: running.find((r) => r.profileId === p.id) ?? null })), null, 2));
      return ExitCode.ok;
    }
    if (!profiles.length) {
      ctx.say('No saved tunnel profiles. Create them in the app (Tunnels view).');
      return ExitCode.ok;
    }
    const width = Math.max(4, ...profiles.map((p) => p.name.length));
    ctx.out(`${'NAME'.padEnd(width)}  ${'KIND'.padEnd(8)}  ${'LOCAL'.padEnd(21)}  DESTINATION`);
    for (const p of profiles) {
      const run = running.find((r) => r.profileId === p.id);
      const local = run ? `${run.address} (pid ${run.pid})` : `${p.bindAddress}:${p.localPort || 'auto'}`;
      ctx.out(`${p.name.padEnd(width)}  ${p.kind.padEnd(8)}  ${local.padEnd(21)}  ${destination(p)}`);
    }
    return ExitCode.ok;
  }

  const profile = findProfile(profiles, args.name);
  const run = running.find((r) => r.profileId === profile.id);
  if (args.action === 'stop') {
    if (!run) throw new AppError('tunnel-not-running', `"${profile.name}" is not running from the command line.`, 'A tunnel started in the app window is stopped there (or from the tray).');
    process.kill(run.pid, 'SIGTERM');
    // The tunnel terminates its sessions before exiting; wait for that, briefly.
    for (let waited = 0; alive(run.pid) && waited < 10_000; waited += 50) await delay(50);
    if (alive(run.pid)) throw new AppError('tunnel-stop-timeout', `Process ${run.pid} running "${profile.name}" did not stop within 10 s.`, `Stop it with: kill ${run.pid}`);
    ctx.say(`Stopped "${profile.name}".`);
    return ExitCode.ok;
  }

  if (run) throw new AppError('tunnel-running', `"${profile.name}" already runs in process ${run.pid}, on ${run.address}.`, `Use it, or stop it first: bastionless tunnels stop "${profile.name}"`);
  const stop = onInterrupt();
  let countdown: CliCountdown | undefined;
  const runFile = join(core.dataDir, RUN_DIR, `${profile.id}.json`);
  try {
    const status = await service.start(profile.id);
    const host = status.bindAddress.includes(':') ? `[${status.bindAddress}]` : status.bindAddress;
    const address = `${host}:${status.localPort}`;
    await mkdir(join(core.dataDir, RUN_DIR), { recursive: true, mode: 0o700 });
    await writeFile(runFile, JSON.stringify({ pid: process.pid, profileId: profile.id, name: profile.name, address } satisfies RunFile), { mode: 0o600 });
    ctx.out(address);
    ctx.say(`Tunnel "${profile.name}" listening on ${address} → ${status.destination}. Press Ctrl-C to stop.`);
    countdown = await watchTunnelCountdown(ctx, () => service.countdownItems().find((i) => i.id === profile.id));
    service.on('changed', () => countdown?.refresh());
    await stop.promise;
    ctx.say('Stopping…');
    return ExitCode.ok;
  } finally {
    countdown?.dispose();
    stop.dispose();
    await service.stop(profile.id);
    await rm(runFile, { force: true });
  }
}
