import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandLine } from '../../../main/cli/args';
import { exitCodeFor } from '../../../main/cli/exit-codes';

const usageError = (argv: string[]) => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(exitCodeFor(err)).toBe(2);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} parsed without error`);
};

describe('bastionless argument parsing', () => {
  it('parses every command into typed, validated arguments', () => {
    expect(parseCommandLine(['ls', '--account', 'prod', '--region', 'eu-west-1', '--filter', 'web', '--json'])).toEqual({
      command: 'ls',
      args: { account: 'prod', region: 'eu-west-1', filter: 'web', json: true, cached: false, favourites: false },
    });
    // Both spellings of the favourites filter.
    expect(parseCommandLine(['ls', '--favourites'])).toMatchObject({ command: 'ls', args: { favourites: true } });
    expect(parseCommandLine(['ls', '--favorites'])).toMatchObject({ command: 'ls', args: { favourites: true } });
    expect(parseCommandLine(['forward', 'db', '--remote-port', '5432', '--host', 'db.internal'])).toEqual({
      command: 'forward',
      args: { target: 'db', remotePort: 5432, localPort: 0, host: 'db.internal' },
    });
    expect(parseCommandLine(['ssh-proxy', 'i-0123456789abcdef0', '22'])).toEqual({ command: 'ssh-proxy', args: { target: 'i-0123456789abcdef0', port: 22 } });
    expect(parseCommandLine(['login', '--start-url', 'https://d-1.awsapps.com/start', '--region', 'eu-west-1', '--no-browser'])).toEqual({
      command: 'login',
      args: { startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', noBrowser: true },
    });
    expect(parseCommandLine(['tunnels'])).toEqual({ command: 'tunnels', args: { action: 'list', json: false } });
    expect(parseCommandLine(['tunnels', 'start', 'Prod DB'])).toEqual({ command: 'tunnels', args: { action: 'start', name: 'Prod DB' } });
    expect(parseCommandLine(['sessions'])).toEqual({ command: 'sessions', args: { active: false, history: false, mine: false, json: false } });
    expect(parseCommandLine(['sessions', '--active', '--mine', '--target', 'web-1', '--json'])).toEqual({ command: 'sessions', args: { active: true, history: false, target: 'web-1', mine: true, json: true } });
    expect(parseCommandLine(['terminate', 'alice@example.com-0123456789abcdef0'])).toEqual({ command: 'terminate', args: { sessionId: 'alice@example.com-0123456789abcdef0' } });
    expect(parseCommandLine(['alias', 'set', 'db', 'prod/eu-west-1/db-1'])).toEqual({ command: 'alias', args: { action: 'set', name: 'db', target: 'prod/eu-west-1/db-1' } });
    expect(parseCommandLine(['doctor', 'web-1'])).toEqual({ command: 'doctor', args: { target: 'web-1', feature: 'shell', connect: false, json: false } });
    expect(parseCommandLine(['doctor', 'web-1', '--feature', 'rdp', '--document', 'Ops-RDP', '--connect', '--json'])).toEqual({ command: 'doctor', args: { target: 'web-1', feature: 'rdp', document: 'Ops-RDP', connect: true, json: true } });
    expect(usageError(['doctor', 'web-1', '--feature', 'ssh'])).toBe('--feature is shell, port, remote-port or rdp');
  });

  it('has --help for every command, with the exit codes', () => {
    for (const command of COMMANDS) {
      const parsed = parseCommandLine([command, '--help']);
      expect(parsed.command).toBe('help');
      if (parsed.command !== 'help') continue;
      expect(parsed.text).toContain(`Usage: bastionless ${command}`);
      expect(parsed.text).toContain('4    TARGET or SESSION_ID not found, or ambiguous');
    }
    const main = parseCommandLine([]);
    expect(main.command === 'help' && COMMANDS.every((c) => main.text.includes(`  ${c} `))).toBe(true);
  });

  it('refuses bad input with exit 2 and says what is wrong', () => {
    expect(usageError(['frobnicate'])).toContain('unknown command "frobnicate"');
    expect(usageError(['ls', '--bogus'])).toContain("'--bogus'");
    expect(usageError(['ls', '--region', 'Europe'])).toContain('a region looks like "eu-west-1"');
    expect(usageError(['forward', 'db'])).toContain('--remote-port is required');
    expect(usageError(['forward', 'db', '--remote-port', '70000'])).toContain('--remote-port must be 1–65535');
    expect(usageError(['forward', 'db', '--remote-port', 'abc'])).toContain('--remote-port must be a number');
    expect(usageError(['ssh-proxy', 'web'])).toContain('PORT is missing');
    expect(usageError(['ssh-proxy', 'web', '22', 'extra'])).toContain('unexpected argument "extra"');
    expect(usageError(['shell'])).toContain('TARGET');
    expect(usageError(['login', '--start-url', 'https://d-1.awsapps.com/start'])).toContain('--start-url needs --region');
    expect(usageError(['login', '--sso-session', 'a', '--start-url', 'https://x/start', '--region', 'eu-west-1'])).toContain('not both');
    expect(usageError(['tunnels', 'start'])).toContain('needs a profile NAME');
    expect(usageError(['alias', 'set', 'bad name!', 'x'])).toContain('an alias is');
    expect(usageError(['sessions', '--active', '--history'])).toContain('exclude each other');
    expect(usageError(['sessions', 'extra'])).toContain('unexpected argument "extra"');
    expect(usageError(['terminate'])).toContain('SESSION_ID is missing');
    expect(usageError(['terminate', 'a', 'b'])).toContain('unexpected argument "b"');
  });
});
