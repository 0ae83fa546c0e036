import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const TSX = 'node_modules/.bin/tsx';

export interface DemoProcess {
  child: ChildProcess;
  url: string;
}

/** `tsx main/web/cli.ts --demo` as `npm run demo` starts it; resolves with the URL it prints. */
export async function startDemo(env: Record<string, string> = {}): Promise<DemoProcess> {
  const child = spawn(TSX, ['main/web/cli.ts', '--demo'], {
    env: { ...process.env, BASTIONLESS_LAUNCHED_AS: 'npm run demo', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return { child, url };
}

export async function stopDemo(demo: DemoProcess): Promise<void> {
  if (demo.child.exitCode !== null) return;
  demo.child.kill('SIGTERM');
  await once(demo.child, 'exit');
}
