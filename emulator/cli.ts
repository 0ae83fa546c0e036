import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { FaultsPatchSchema, parseFaultsPatch } from './control';
import { FixtureError, loadFixtureFile, type FixtureFaults } from './fixture';
import { EmulatorStartError, startEmulator } from './index';

/**
 * `npm run emulator -- --fixture FILE [--port N] [--pace faithful|none] [--auto-approve]
 * [--faults JSON | --faults key=value ...]`: runs the emulator until Ctrl-C and prints what a
 * shell and ~/.aws/config need to use it.
 */

export const USAGE = `Usage: npm run emulator -- --fixture FILE [options]

  --fixture FILE         emulator fixture (JSON), e.g. emulator/fixtures/demo.json
  --port N               loopback port (default 0: pick a free one)
  --pace faithful|none   faithful (default): the real agent's 1 KiB messages with 1 ms pauses, real polling intervals and API latencies; none: as fast as possible
  --auto-approve         approve every sign-in at once (no verification page)
  --faults JSON          faults to merge into the fixture's, e.g. '{"throttleEvery":{"DescribeInstanceInformation":3}}'
  --faults key=value     one fault; dotted keys for maps, commas for lists, e.g.
                         --faults throttleEvery.StartSession=2 --faults offlineInstances=i-0abc12345678,i-0def12345678
                         --faults accessDenied=111122223333/eu-west-1 --faults ssoTokenTtlSeconds=120
  --help                 this text

Faults: ${Object.keys(FaultsPatchSchema.shape).join(', ')}
Control API while running: GET <url>/_emulator/ lists the endpoints.`;

const ArgsSchema = z.object({
  fixture: z.string({ error: '--fixture FILE is required (try emulator/fixtures/demo.json)' }).min(1),
  port: z.coerce.number().int().min(0).max(65535, '--port must be 0-65535').default(0),
  pace: z.enum(['faithful', 'none'], { error: '--pace must be "faithful" or "none"' }).default('faithful'),
  autoApprove: z.boolean().default(false),
  faults: z.array(z.string()).default([]),
});
export type CliArgs = z.infer<typeof ArgsSchema>;

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  const raw: Record<string, unknown> = { faults: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new CliUsageError(`unexpected argument "${arg}"\n\n${USAGE}`);
    const [, name, inline] = m;
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new CliUsageError(`--${name} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (name) {
      case 'help':
        return 'help';
      case 'auto-approve':
        raw.autoApprove = true;
        break;
      case 'faults':
        (raw.faults as string[]).push(value());
        break;
      case 'fixture':
      case 'port':
      case 'pace':
        raw[name] = value();
        break;
      default:
        throw new CliUsageError(`unknown option --${name}\n\n${USAGE}`);
    }
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) throw new CliUsageError(`${parsed.error.issues.map((i) => i.message).join('\n')}\n\n${USAGE}`);
  return parsed.data;
}

const LIST_KEYS = new Set(['offlineInstances', 'accessDenied']);

/** Turns "--faults" arguments (JSON objects or key=value pairs) into one validated fault patch. */
export function parseFaultArgs(items: readonly string[]): Partial<FixtureFaults> {
  const patch: Record<string, unknown> = {};
  for (const item of items) {
    if (item.trim().startsWith('{')) {
      let obj: unknown;
      try {
        obj = JSON.parse(item);
      } catch (err) {
        throw new CliUsageError(`--faults ${item}: not valid JSON (${(err as Error).message})`);
      }
      Object.assign(patch, obj);
      continue;
    }
    const eq = item.indexOf('=');
    if (eq < 1) throw new CliUsageError(`--faults ${item}: expected key=value or a JSON object`);
    const key = item.slice(0, eq);
    const text = item.slice(eq + 1);
    const [top, sub] = key.split('.', 2) as [string, string | undefined];
    let value: unknown;
    if (top === 'accessDenied') {
      value = text.split(',').filter(Boolean).map((entry) => {
        const [account, region] = entry.split('/');
        return region ? { account, region } : { account };
      });
    } else if (LIST_KEYS.has(top)) value = text.split(',').filter(Boolean);
    else value = text !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    if (sub !== undefined) patch[top] = { ...((patch[top] as Record<string, unknown> | undefined) ?? {}), [sub]: value };
    else patch[top] = value;
  }
  try {
    return parseFaultsPatch(patch);
  } catch (err) {
    throw new CliUsageError(`bad --faults: ${(err as Error).message}. Known faults: ${Object.keys(FaultsPatchSchema.shape).join(', ')}`);
  }
}

export async function runCli(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(l + '\n')) {
  const args = parseArgs(argv);
  if (args === 'help') {
    out(USAGE);
    return undefined;
  }
  const faults = parseFaultArgs(args.faults);
  const fixture = loadFixtureFile(args.fixture);
  const emu = await startEmulator({ fixture, port: args.port, pace: args.pace, autoApprove: args.autoApprove });
  if (Object.keys(faults).length) {
    // Per-API maps add to the fixture's entries; every other key replaces the fixture's value.
    const current = emu.fixture().faults;
    emu.control.setFaults({
      ...faults,
      ...(faults.latencyMs ? { latencyMs: { ...current.latencyMs, ...faults.latencyMs } } : {}),
      ...(faults.throttleEvery ? { throttleEvery: { ...current.throttleEvery, ...faults.throttleEvery } } : {}),
    });
  }
  const f = emu.fixture();
  out(`# Bastionless AWS emulator listening on ${emu.url} (${f.accounts.length} accounts, ${f.instances.length} instances, pace ${args.pace}${args.autoApprove ? ', auto-approve' : ''})`);
  out('# Point the AWS SDKs and CLI at it:');
  for (const [k, v] of Object.entries(emu.env)) out(`export ${k}=${v}`);
  out('');
  out('# ~/.aws/config snippet (or save it and set AWS_CONFIG_FILE):');
  out(emu.awsConfigSnippet());
  out(`# Sign-in page: ${emu.url}/device   Control API: ${emu.url}/_emulator/`);
  out('# Ready.');
  return emu;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2))
    .then((emu) => {
      if (!emu) return;
      const stop = () => {
        void emu.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      const known = err instanceof CliUsageError || err instanceof FixtureError || err instanceof EmulatorStartError;
      console.error(known ? `emulator: ${(err as Error).message}` : err);
      process.exit(2);
    });
}
