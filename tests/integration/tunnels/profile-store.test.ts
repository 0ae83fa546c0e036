import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileStore, parseProfilesDocument } from '../../../main/core/tunnels/profile-store';
import type { TunnelProfileInput } from '../../../main/core/tunnels/profile-schema';

const rdp = (name: string): TunnelProfileInput => ({
  name,
  source: { type: 'sso', ssoSession: 'corp', accountId: '111122223333', roleName: 'Admin' },
  region: 'eu-west-1',
  target: { type: 'instance', instanceId: 'i-0123456789abcdef0' },
  remotePort: 3389,
  kind: 'rdp',
});

describe('tunnel profile store', () => {
  let dir: string;
  let store: ProfileStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bl-profiles-'));
    store = new ProfileStore({ dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves, edits, lists and deletes; keeps the previous file as .bak; defaults are filled', async () => {
    expect(await store.list()).toEqual([]);
    const a = await store.save(rdp('jump box'));
    expect(a).toMatchObject({ name: 'jump box', localPort: 0, bindAddress: '127.0.0.1', poolSize: 2, pinned: false, autoStart: false, launcher: { client: 'auto' } });
    const b = await store.save({ ...rdp('db'), kind: 'postgres', remotePort: 5432, remoteHost: 'db.internal' });
    await store.save({ ...rdp('jump box renamed'), id: a.id, pinned: true });
    const listed = await store.list();
    expect(listed.map((p) => [p.name, p.pinned])).toEqual([['jump box renamed', true], ['db', false]]);
    expect(listed[0]?.createdAt).toBe(a.createdAt);
    const onDisk = JSON.parse(await readFile(store.path, 'utf8')) as { version: number };
    expect(onDisk.version).toBe(1);
    const backup = JSON.parse(await readFile(`${store.path}.bak`, 'utf8')) as { profiles: Array<{ name: string }> };
    expect(backup.profiles.map((p) => p.name)).toEqual(['jump box', 'db']);
    await store.remove(b.id);
    expect((await store.list()).map((p) => p.id)).toEqual([a.id]);
    await expect(store.save({ ...rdp('ghost'), id: b.id })).rejects.toMatchObject({ code: 'profile-not-found' });
  });

  it('bad JSON: the error names the file and line, and the file is never overwritten', async () => {
    const text = '{\n  "version": 1,\n  "profiles": [\n    { "name": "x", }\n  ]\n}\n';
    await writeFile(store.path, text);
    await expect(store.list()).rejects.toMatchObject({ code: 'profiles-invalid', message: expect.stringMatching(new RegExp(`${store.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON at line 4`)) });
    await expect(store.save(rdp('new'))).rejects.toMatchObject({ code: 'profiles-invalid' });
    expect(await readFile(store.path, 'utf8')).toBe(text);
    expect(existsSync(`${store.path}.bak`)).toBe(false);
  });

  it('wrong schema: each problem with its path and line', async () => {
    const good = await store.save(rdp('good'));
    const file = JSON.parse(await readFile(store.path, 'utf8')) as { profiles: Array<Record<string, unknown>> };
    file.profiles.push({ ...good, id: 'second-one', remotePort: 70000 });
    const text = JSON.stringify(file, null, 2);
    await writeFile(store.path, text);
    const lineOfBadPort = text.split('\n').findIndex((l) => l.includes('70000')) + 1;
    await expect(store.list()).rejects.toMatchObject({ message: expect.stringContaining(`line ${lineOfBadPort}: profiles.1.remotePort`) });
    await expect(store.remove(good.id)).rejects.toMatchObject({ code: 'profiles-invalid' });
    expect(await readFile(store.path, 'utf8')).toBe(text);
  });

  it('a file from a newer version is refused and left untouched; older versions are migrated', async () => {
    const newer = JSON.stringify({ version: 7, profiles: [] });
    await writeFile(store.path, newer);
    await expect(store.list()).rejects.toMatchObject({ code: 'profiles-newer', message: expect.stringContaining('file version 7') });
    await expect(store.save(rdp('x'))).rejects.toMatchObject({ code: 'profiles-newer' });
    expect(await readFile(store.path, 'utf8')).toBe(newer);

    // A version-0 document (the migration table is the store's extension point).
    const v0 = JSON.stringify({ version: 0, tunnels: [{ ...rdp('old'), id: 'legacy-01', createdAt: '2024-01-01T00:00:00.000Z', localPort: '3390' }] });
    const migrated = parseProfilesDocument(v0, 'v0.json', {
      migrations: { 0: (doc) => ({ profiles: (doc.tunnels as Array<Record<string, unknown>>).map((t) => ({ ...t, localPort: Number(t.localPort) })) }) },
    });
    expect(migrated.profiles[0]).toMatchObject({ id: 'legacy-01', localPort: 3390 });
    expect(() => parseProfilesDocument(v0, 'v0.json')).toThrow(/no migration from it/);
  });

  it('concurrent writes from two stores on the same file lose nothing', async () => {
    const other = new ProfileStore({ dir });
    const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
    await Promise.all(names.map((n, i) => (i % 2 ? store : other).save(rdp(n))));
    const listed = await store.list();
    expect(listed.map((p) => p.name).sort()).toEqual([...names].sort());
    expect(new Set(listed.map((p) => p.id)).size).toBe(40);
    expect(existsSync(`${store.path}.lock`)).toBe(false);
  });

  it('export and import: ids that clash get new ones, nothing is overwritten', async () => {
    await store.save(rdp('one'));
    await store.save(rdp('two'));
    const exported = await store.exportJson();
    const result = await store.importJson(exported);
    expect(result.imported).toBe(2);
    const listed = await store.list();
    expect(listed.map((p) => p.name)).toEqual(['one', 'two', 'one', 'two']);
    expect(new Set(listed.map((p) => p.id)).size).toBe(4);
    await expect(store.importJson('{"version":1,"profiles":[{"name":""}]}')).rejects.toMatchObject({ code: 'profiles-invalid', message: expect.stringContaining('The imported document') });
  });

  it('a writer killed mid-write leaves a readable file, and its stale lock does not block the next writer', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'profile-store-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Let it complete a good number of writes, then kill it without warning.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const saved = [...d.toString().matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
        if (Math.max(-1, ...saved) >= 30) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const listed = await store.list();
    expect(listed.length).toBeGreaterThanOrEqual(31);
    expect(listed.every((p, i) => p.name.startsWith(`writer ${i} `))).toBe(true);
    // The lock may still name the dead child: the next write takes it over.
    await store.save(rdp('after the crash'));
    expect((await store.list()).at(-1)?.name).toBe('after the crash');
  });
});
