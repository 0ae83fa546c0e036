import { dataDir } from '../../core/store/paths';
import { readAliases, updateAliases } from '../aliases';
import type { AliasArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';

/** `bastionless alias`: names for TARGETs. Stored as given; resolved when used, so they follow renames of nothing but the alias. */
export async function alias(ctx: CliContext, args: AliasArgs): Promise<number> {
  const dir = dataDir(ctx.io.env);
  switch (args.action) {
    case 'list': {
      const aliases = await readAliases(dir);
      const names = Object.keys(aliases).sort();
      if (!names.length) ctx.say('No aliases. Add one: bastionless alias set NAME TARGET');
      const width = Math.max(0, ...names.map((n) => n.length));
      for (const name of names) ctx.out(`${name.padEnd(width)}  ${aliases[name]}`);
      return ExitCode.ok;
    }
    case 'set':
      await updateAliases(dir, (aliases) => ({ ...aliases, [args.name]: args.target }));
      ctx.say(`${args.name} → ${args.target}`);
      return ExitCode.ok;
    case 'rm': {
      let had = false;
      await updateAliases(dir, (aliases) => {
        had = args.name in aliases;
        delete aliases[args.name];
        return aliases;
      });
      ctx.say(had ? `Removed ${args.name}.` : `There was no alias ${args.name}.`);
      return ExitCode.ok;
    }
  }
}
