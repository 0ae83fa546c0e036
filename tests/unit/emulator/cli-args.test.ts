import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../emulator/cli';

describe('emulator command line', () => {
  it('paces like the real agent unless told otherwise', () => {
    expect(parseArgs(['--fixture', 'f.json'])).toMatchObject({ pace: 'faithful', port: 0 });
    expect(parseArgs(['--fixture', 'f.json', '--pace', 'none'])).toMatchObject({ pace: 'none' });
  });
});
