import { describe, expect, it } from 'vitest';
import { rankCommands, rememberRecent, scoreCommand, type PaletteCommand } from '../../../renderer/src/shell/palette-model';

const cmd = (id: string, title: string, group: PaletteCommand['group'], extra: Partial<PaletteCommand> = {}): PaletteCommand => ({ id, title, group, run: () => undefined, ...extra });

const commands = [
  cmd('shell:a', 'prod-web-1', 'Instance', { detail: 'prod/eu-west-1 · i-0b50 · 10.0.116.50', keywords: 'env=prod team=web' }),
  cmd('shell:b', 'prod-web-2', 'Instance', { detail: 'prod/eu-west-1 · i-0fd2 · 10.0.51.103' }),
  cmd('shell:c', 'prod-db-bastion', 'Instance', { detail: 'prod/eu-west-1 · i-02ad · 10.0.72.221' }),
  cmd('shell:d', 'staging-web-1', 'Instance', { detail: 'staging/us-east-1' }),
  cmd('tunnel.start:t', 'Start billing db', 'Tunnel'),
  cmd('action:refresh', 'Refresh the instance list', 'Action', { keywords: 'reload' }),
  cmd('view:settings', 'Settings', 'View'),
];
const titles = (q: string, recent: string[] = []) => rankCommands(commands, q, recent).map((r) => r.command.title);

describe('command palette ranking', () => {
  it('every word must match; title beats detail; word starts beat the middle', () => {
    // prod-web-2 matches "1" only in its IP: it comes after both titles that have it.
    expect(titles('web 1')).toEqual(['prod-web-1', 'staging-web-1', 'prod-web-2']);
    expect(titles('10.0.51')).toEqual(['prod-web-2']);
    expect(titles('team=web')).toEqual(['prod-web-1']);
    expect(titles('web')[0]).toBe('prod-web-1');
    expect(titles('staging')[0]).toBe('staging-web-1');
  });

  it('letters in order match a title (fuzzy), fewer gaps first', () => {
    expect(titles('pdb')[0]).toBe('prod-db-bastion');
    expect(scoreCommand(commands[2]!, ['pdb'])).toBeGreaterThan(scoreCommand(commands[0]!, ['pw'])! - 100);
    expect(titles('xq')).toEqual([]);
  });

  it('recent commands come first among equals, and lead an empty query as "Recent"', () => {
    expect(titles('web', ['shell:d'])[0]).toBe('staging-web-1');
    const empty = rankCommands(commands, '', ['shell:c', 'view:settings']);
    expect(empty.slice(0, 2).map((r) => [r.group, r.command.title])).toEqual([
      ['Recent', 'prod-db-bastion'],
      ['Recent', 'Settings'],
    ]);
    expect(empty[2]!.command.group).toBe('Action');
  });

  it('a much better match still beats a recent one', () => {
    expect(titles('refresh', ['shell:a'])[0]).toBe('Refresh the instance list');
  });

  it('remembers at most 20, the latest first, without duplicates', () => {
    let recent: string[] = [];
    for (let i = 0; i < 25; i++) recent = rememberRecent(recent, `c${i}`);
    recent = rememberRecent(recent, 'c10');
    expect(recent).toHaveLength(20);
    expect(recent.slice(0, 3)).toEqual(['c10', 'c24', 'c23']);
    expect(new Set(recent).size).toBe(20);
  });
});
