import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellService } from '../../../main/core/shells/service';
import { StartPreferences } from '../../../main/core/shells/start-preferences';
import { instanceKey, startEmulatorShells, type EmulatorShells } from './emulator-shells';

/** The session document a shell starts with, chosen per instance or per source, end to end against the emulator. */

const INTERACTIVE = 'AWS-StartInteractiveCommand';

describe('shell start preferences', () => {
  let env: EmulatorShells;
  let service: ShellService;
  let file: string;
  beforeAll(async () => {
    env = await startEmulatorShells();
    file = join(env.dataDir, 'shell-preferences.json');
    service = new ShellService({ ...env.deps, preferences: new StartPreferences(file) });
  });
  afterAll(async () => {
    await service.dispose();
    await env.stop();
  });

  /** Opens a shell and returns the text it shows once `needle` appears. */
  async function openAndRead(key: string, needle: string): Promise<string> {
    const tab = await service.open({ instanceKey: key });
    let text = '';
    await new Promise<void>((resolve) => {
      tab.attachOutput(async (chunk) => {
        text += Buffer.from(chunk).toString('utf8');
        if (text.includes(needle)) resolve();
      });
    });
    await service.close(tab.id);
    return text;
  }

  it('a source-wide choice applies to its instances, an instance choice wins, and clearing returns to the default shell', async () => {
    const web1 = instanceKey('web-1');
    const web2 = instanceKey('web-2');
    expect(await service.startChoices(web1)).toEqual({ sourceId: 'emulator' });

    const forSource = { documentName: INTERACTIVE, parameters: { command: ["sh -c 'echo source-doc-$((40+2)); exec sh'"] } };
    await service.setStartChoice(web1, 'source', forSource);
    const forWeb1 = { documentName: INTERACTIVE, parameters: { command: ["sh -c 'echo instance-doc-$((6*7)); exec sh'"] } };
    expect(await service.setStartChoice(web1, 'instance', forWeb1)).toEqual({ sourceId: 'emulator', instance: forWeb1, source: forSource });

    expect(await openAndRead(web1, 'instance-doc-42')).toContain('instance-doc-42');
    expect(await openAndRead(web2, 'source-doc-42')).toContain('source-doc-42');

    // On disk, validated, readable by a new process.
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(saved.instances)).toEqual([`emulator/${web1.split('/')[0]}/${web1.split('/')[1]}/${web1.split('/')[2]}`]);
    expect(await new StartPreferences(file).choicesFor(await env.deps.resolveTarget(web2))).toEqual({ source: forSource });

    await service.setStartChoice(web1, 'instance', null);
    await service.setStartChoice(web1, 'source', null);
    expect(await service.startChoices(web1)).toEqual({ sourceId: 'emulator' });
    // The default shell again: a login shell's prompt.
    expect(await openAndRead(web1, '[ec2-user@web-1 ~]$ ')).toContain('[ec2-user@web-1 ~]$ ');
  });

  it('a broken preferences file is reported with what to do, and never overwritten', async () => {
    writeFileSync(file, '{"version":1,"instances":{"x":{"documentName":"no spaces allowed"}},"sources":{}}');
    const broken = new ShellService({ ...env.deps, preferences: new StartPreferences(file) });
    await expect(broken.open({ instanceKey: instanceKey('web-1') })).rejects.toMatchObject({ code: 'shell-preferences-invalid', hint: expect.stringMatching(/Fix or delete/) });
    await expect(broken.setStartChoice(instanceKey('web-1'), 'instance', { documentName: INTERACTIVE, parameters: { command: ['sh'] } })).rejects.toMatchObject({ code: 'shell-preferences-invalid' });
    expect(readFileSync(file, 'utf8')).toContain('no spaces allowed');
    await broken.dispose();
  });
});
