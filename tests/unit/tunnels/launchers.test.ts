import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  customCommand,
  dbeaverConnection,
  commandLine,
  connectionUri,
  encodeRdpFile,
  inTerminal,
  manualConnection,
  mysqlArgs,
  planLaunch,
  psqlConninfo,
  rdpFileText,
  splitTemplate,
  tableplusUrl,
  type ClientProbe,
} from '../../../main/core/tunnels/launchers/index';
import { LauncherSettingsSchema } from '../../../main/core/tunnels/profile-schema';

const endpoint = { host: '127.0.0.1', port: 53389, label: 'prod jump' };
const settings = (over: Record<string, unknown> = {}) => LauncherSettingsSchema.parse({ username: 'CORP\\alice', ...over });
const probeWith = (programs: string[], apps: string[] = []): ClientProbe => ({
  which: (p) => (programs.includes(p) ? `/usr/bin/${p}` : undefined),
  hasApp: (a) => apps.includes(a),
});

describe('RDP launchers', () => {
  it('writes the .rdp file as UTF-16LE with a BOM, CRLF lines, byte-exact', () => {
    const text = rdpFileText({ port: 53389, username: 'CORP\\alice' });
    expect(text).toBe(
      'full address:s:127.0.0.1:53389\r\nusername:s:CORP\\alice\r\nprompt for credentials:i:1\r\nauthentication level:i:2\r\nscreen mode id:i:1\r\nredirectclipboard:i:1\r\n',
    );
    const bytes = encodeRdpFile('full address:s:127.0.0.1:1\r\n');
    expect([...bytes.subarray(0, 8)]).toEqual([0xff, 0xfe, 0x66, 0x00, 0x75, 0x00, 0x6c, 0x00]);
    expect(bytes.length).toBe(2 + 2 * 'full address:s:127.0.0.1:1\r\n'.length);
    expect(bytes.subarray(2).toString('utf16le')).toBe('full address:s:127.0.0.1:1\r\n');
    // Non-ASCII user names survive (the reason mstsc uses UTF-16).
    expect(encodeRdpFile(rdpFileText({ port: 1, username: 'jürgen' })).subarray(2).toString('utf16le')).toContain('username:s:jürgen');
    expect(rdpFileText({ port: 1, fullscreen: true, width: 1920, height: 1080 })).toContain('screen mode id:i:2\r\ndesktopwidth:i:1920\r\ndesktopheight:i:1080\r\n');
  });

  it('Windows: mstsc with the generated file', () => {
    const plan = planLaunch('rdp', 'win32', endpoint, settings(), probeWith([]));
    expect(plan).toMatchObject({ command: 'mstsc', args: ['{file}'], file: { name: 'prod_jump.rdp' } });
    expect(plan?.file?.content.equals(encodeRdpFile(rdpFileText({ port: 53389, username: 'CORP\\alice' })))).toBe(true);
  });

  it('macOS: Windows App first, then Microsoft Remote Desktop; a clear error when neither exists', () => {
    expect(planLaunch('rdp', 'darwin', endpoint, settings(), probeWith([], ['Windows App', 'Microsoft Remote Desktop']))).toMatchObject({ command: 'open', args: ['-a', 'Windows App', '{file}'] });
    expect(planLaunch('rdp', 'darwin', endpoint, settings(), probeWith([], ['Microsoft Remote Desktop']))).toMatchObject({ args: ['-a', 'Microsoft Remote Desktop', '{file}'] });
    expect(() => planLaunch('rdp', 'darwin', endpoint, settings(), probeWith([]))).toThrow(expect.objectContaining({ code: 'launcher-missing', hint: expect.stringContaining('Port: 53389') }));
  });

  it('Linux: probes xfreerdp3 → sdl-freerdp3 → xfreerdp → remmina, with per-version flags and never a password', () => {
    const v3 = planLaunch('rdp', 'linux', endpoint, settings(), probeWith(['xfreerdp3', 'xfreerdp', 'remmina']));
    expect(v3).toEqual({ client: 'FreeRDP 3 (xfreerdp3)', command: '/usr/bin/xfreerdp3', args: ['/v:127.0.0.1:53389', '/u:CORP\\alice', '/cert:ignore', '/title:prod jump', '/dynamic-resolution', '+clipboard'] });
    expect(planLaunch('rdp', 'linux', endpoint, settings(), probeWith(['sdl-freerdp3']))?.command).toBe('/usr/bin/sdl-freerdp3');
    const v2 = planLaunch('rdp', 'linux', endpoint, settings({ fullscreen: true }), probeWith(['xfreerdp', 'remmina']));
    expect(v2?.args).toEqual(['/v:127.0.0.1:53389', '/u:CORP\\alice', '/cert:ignore', '/t:prod jump', '/f', '+clipboard']);
    expect(planLaunch('rdp', 'linux', endpoint, settings(), probeWith(['remmina']))).toMatchObject({ command: '/usr/bin/remmina', args: ['-c', 'rdp://CORP%5Calice@127.0.0.1:53389'] });
    for (const plan of [v3, v2]) expect(plan?.args.some((a) => a.startsWith('/p:'))).toBe(false);
    expect(() => planLaunch('rdp', 'linux', endpoint, settings(), probeWith([]))).toThrow(/No RDP client/);
  });
});

describe('database launchers', () => {
  const db = settings({ username: 'app', database: 'orders' });
  it('psql: conninfo with hostaddr and verify-full when the real server name is known', () => {
    expect(psqlConninfo(endpoint, db)).toBe('host=127.0.0.1 sslmode=prefer port=53389 dbname=orders user=app application_name=bastionless');
    expect(psqlConninfo(endpoint, { ...db, tlsServerName: 'orders.abc.eu-west-1.rds.amazonaws.com' })).toBe(
      'host=orders.abc.eu-west-1.rds.amazonaws.com hostaddr=127.0.0.1 sslmode=verify-full port=53389 dbname=orders user=app application_name=bastionless',
    );
    expect(psqlConninfo(endpoint, { username: "o'brien", database: 'my db' })).toContain("dbname='my db' user='o\\'brien'");
    expect(planLaunch('postgres', 'linux', endpoint, db, probeWith(['psql']))).toMatchObject({ command: '/usr/bin/psql', terminal: true });
  });
  it('mysql: TCP to 127.0.0.1, -p prompts', () => {
    expect(mysqlArgs(endpoint, db)).toEqual(['--protocol=TCP', '-h', '127.0.0.1', '-P', '53389', '-u', 'app', '-p', 'orders']);
    expect(() => planLaunch('mysql', 'linux', endpoint, db, probeWith([]))).toThrow(expect.objectContaining({ hint: expect.stringContaining('Database: orders') }));
  });
  it('DBeaver and TablePlus', () => {
    expect(dbeaverConnection('postgres', endpoint, db)).toBe('driver=postgresql|host=127.0.0.1|port=53389|database=orders|user=app|name=prod jump|connect=true|save=false');
    expect(planLaunch('postgres', 'win32', endpoint, { ...db, client: 'dbeaver' }, probeWith(['dbeaver-cli']))).toMatchObject({ command: '/usr/bin/dbeaver-cli', args: ['-con', expect.stringContaining('driver=postgresql')] });
    expect(planLaunch('mysql', 'darwin', endpoint, { ...db, client: 'dbeaver' }, probeWith([], ['DBeaver']))).toMatchObject({ command: 'open', args: ['-a', 'DBeaver', '--args', '-con', expect.stringContaining('driver=mysql')] });
    expect(tableplusUrl('postgres', endpoint, db)).toBe('postgresql://app@127.0.0.1:53389/orders?name=prod%20jump');
    expect(planLaunch('postgres', 'darwin', endpoint, { ...db, client: 'tableplus' }, probeWith([], ['TablePlus']))).toMatchObject({ command: 'open', args: ['postgresql://app@127.0.0.1:53389/orders?name=prod%20jump'] });
  });
  it('custom template: placeholders per argument, quotes group, no shell', () => {
    expect(splitTemplate(`mycli -h {host} --prompt "a b" ''`)).toEqual(['mycli', '-h', '{host}', '--prompt', 'a b', '']);
    expect(customCommand('mycli -h {host} -P {port} -u {user} {db}', endpoint, { username: 'u; rm -rf /', database: 'd' })).toEqual({ command: 'mycli', args: ['-h', '127.0.0.1', '-P', '53389', '-u', 'u; rm -rf /', 'd'] });
    expect(() => customCommand('x {password}', endpoint, {})).toThrow(/\{password\}/);
    expect(() => splitTemplate('x "open')).toThrow(/unclosed/);
    expect(planLaunch('custom', 'linux', endpoint, settings(), probeWith([]))).toBeNull();
    expect(planLaunch('custom', 'linux', endpoint, settings({ commandTemplate: '/opt/x {port}' }), probeWith([]))).toMatchObject({ command: '/opt/x', args: ['53389'] });
  });
});

describe('connecting by hand when no client starts', () => {
  const db = settings({ username: "o'brien", database: 'my db' });
  it('the copied command line survives a real sh byte for byte', () => {
    const argv = ['psql', psqlConninfo(endpoint, db), 'a"b', '$HOME', '', 'back\\slash'];
    const line = commandLine('linux', argv);
    // printf prints each argument between brackets, so word splitting or expansion would show.
    const out = execFileSync('sh', ['-c', `printf '[%s]' ${line.split(' ').slice(1).join(' ')}`], { encoding: 'utf8' });
    expect(out).toBe(argv.slice(1).map((a) => `[${a}]`).join(''));
    expect(commandLine('win32', ['mysql', '-u', 'a b', 'x"y'])).toBe('mysql -u "a b" "x""y"');
  });
  it('postgres: psql command, URI and details; mysql: its own; RDP: details only', () => {
    const pg = manualConnection('postgres', 'linux', endpoint, db);
    expect(pg.map((c) => c.label)).toEqual(['Command', 'URI', 'Details']);
    const [program, ...rest] = (pg[0]?.text ?? '').split(' ');
    expect(program).toBe('psql');
    expect(execFileSync('sh', ['-c', `set -- ${rest.join(' ')}; printf '%s|%s' "$#" "$1"`], { encoding: 'utf8' })).toBe(`1|${psqlConninfo(endpoint, db)}`);
    expect(pg[1]?.text).toBe("postgresql://o'brien@127.0.0.1:53389/my%20db");
    expect(pg[2]?.text).toBe("Host: 127.0.0.1\nPort: 53389\nUser: o'brien\nDatabase: my db");
    expect(manualConnection('mysql', 'linux', endpoint, settings({ username: 'app' }))[0]?.text).toBe('mysql --protocol=TCP -h 127.0.0.1 -P 53389 -u app -p');
    expect(connectionUri('mysql', endpoint, { username: 'app' })).toBe('mysql://app@127.0.0.1:53389');
    expect(manualConnection('rdp', 'win32', endpoint, settings()).map((c) => c.label)).toEqual(['Details']);
  });
  it('a custom template is the command to copy; a broken one offers only the details', () => {
    expect(manualConnection('custom', 'linux', endpoint, settings({ commandTemplate: 'mycli -h {host} -P {port}' }))[0]).toEqual({ label: 'Command', text: 'mycli -h 127.0.0.1 -P 53389' });
    expect(manualConnection('custom', 'linux', endpoint, settings({ commandTemplate: 'x "open' })).map((c) => c.label)).toEqual(['Details']);
  });
  it('no terminal emulator: the error says what to install and carries a pasteable command', () => {
    expect(() => inTerminal('linux', '/usr/bin/psql', ['host=127.0.0.1 port=5'], probeWith([]))).toThrow(
      expect.objectContaining({ code: 'launcher-missing', hint: "Install one (e.g. xterm), or run it yourself: /usr/bin/psql 'host=127.0.0.1 port=5'" }),
    );
    expect(inTerminal('linux', '/usr/bin/psql', ['x'], probeWith(['xterm']))).toEqual({ command: 'xterm', args: ['-e', '/usr/bin/psql', 'x'] });
  });
});
