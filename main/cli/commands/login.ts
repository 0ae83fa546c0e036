import type { SourceInfo } from '../../../preload/contract/auth';
import { AppError } from '../../core/errors';
import type { LoginArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode, UsageError } from '../exit-codes';
import { onInterrupt } from '../signals';

/**
 * `bastionless login`: the app's device flow in the terminal. The code goes to stderr (and the
 * browser opens on the approval page unless --no-browser); the tokens land in the app's
 * encrypted token file, then the inventory is loaded once so later TARGETs resolve from cache.
 */

function pickSource(sources: SourceInfo[], args: LoginArgs): string {
  if (args.ssoSession) return args.ssoSession;
  const sso = sources.filter((s) => s.kind === 'sso');
  if (sso.length === 1) return sso[0]!.id;
  if (sso.length === 0) {
    throw new UsageError('there is no IAM Identity Center sign-in configured', 'Give the start URL: bastionless login --start-url https://d-1234567890.awsapps.com/start --region eu-west-1');
  }
  throw new UsageError(`there are ${sso.length} sign-in sources; say which one`, `Use --sso-session with one of: ${sso.map((s) => s.id).join(', ')}`);
}

export async function login(ctx: CliContext, args: LoginArgs): Promise<number> {
  ctx.setOpenBrowser(!args.noBrowser);
  const core = ctx.core();
  const auth = core.aws.auth;
  await auth.init();
  if (args.keychain) await core.aws.keychain.choose(args.keychain);
  if ((await core.aws.keychain.choice()) === 'file') {
    ctx.say(`Note: the sign-in key is kept in ${core.aws.keychain.where()}, not in an OS keychain (as the AWS CLI keeps its token cache). \`bastionless login --keychain os\` moves it back.`);
  }
  const sourceId = args.startUrl ? (await auth.addSource({ startUrl: args.startUrl, region: args.region! })).id : pickSource(auth.sources(), args);
  auth.source(sourceId); // an unknown name fails here, with the hint listing what to do

  let shownCode = '';
  const finished = new Promise<SourceInfo>((resolve, reject) => {
    const off = auth.onChange((sources) => {
      const source = sources.find((s) => s.id === sourceId);
      if (!source) return;
      if (source.pending?.userCode && source.pending.userCode !== shownCode) {
        shownCode = source.pending.userCode;
        ctx.say(`To sign in to ${source.label}, approve this code in the browser:\n\n    ${shownCode}\n\n  ${source.pending.verificationUrl}\n`);
        ctx.say(args.noBrowser ? 'Open the link on any device; waiting for approval…' : 'The browser should open on that page; waiting for approval… (Ctrl-C to cancel)');
      }
      if (source.state === 'signed-in' && !source.pending) {
        off();
        resolve(source);
      } else if (source.state !== 'signing-in' && source.error) {
        off();
        reject(new AppError(source.error.code, source.error.message, source.error.hint));
      }
    });
  });
  const stopWaiting = onInterrupt(() => auth.cancel(sourceId));
  try {
    const started = await auth.signIn(sourceId, 'device');
    if (started.state !== 'signing-in' && started.state !== 'signed-in' && started.error) {
      throw new AppError(started.error.code, started.error.message, started.error.hint);
    }
    const interrupted = stopWaiting.promise.then(() => {
      throw new AppError('interrupted', 'Sign-in cancelled.', 'Run `bastionless login` again when ready.');
    });
    interrupted.catch(() => undefined);
    const source = await Promise.race([finished, interrupted]);
    const until = source.expiresAt ? ` until ${new Date(source.expiresAt).toLocaleString()}${source.refreshable ? ' (renewed automatically)' : ''}` : '';
    ctx.say(`Signed in to ${source.label}${until}.`);
    ctx.say('Loading the inventory…');
    const instances = await Promise.race([core.aws.inventory.scan().then(() => core.aws.inventory.list()), interrupted]);
    const failed = core.aws.inventory.snapshot().rows.filter((r) => r.state === 'error').length;
    const accounts = new Set(instances.map((i) => i.accountId)).size;
    ctx.say(`${instances.length} instance${instances.length === 1 ? '' : 's'} in ${accounts} account${accounts === 1 ? '' : 's'}${failed ? `; ${failed} account/region scan${failed === 1 ? '' : 's'} failed (see \`bastionless ls\`)` : ''}.`);
    return ExitCode.ok;
  } finally {
    stopWaiting.dispose();
  }
}
