import type { DoctorReport, DoctorStatus } from '../../../preload/contract/doctor';
import type { DoctorArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { findTarget } from '../instances';
import { formatColumns } from '../table';
import { describeInstance } from '../target';

/**
 * `bastionless doctor TARGET`: the core's connectivity doctor for one instance and feature, as a
 * table of checks and the first problem with its fix, or the report as JSON. Exit 1 when a
 * problem was found, so scripts can branch on it.
 */

const STATUS_WORDS: Record<DoctorStatus, string> = { pass: 'ok', warn: 'warn', fail: 'FAIL', skip: '-' };

export function formatReport(report: DoctorReport): string {
  const table = formatColumns(
    ['CHECK', 'RESULT', 'FOUND'],
    report.checks.map((c) => [c.title, STATUS_WORDS[c.status], c.summary]),
  );
  const warnings = report.checks.filter((c) => c.status === 'warn' && c.fix).map((c) => `Note (${c.title}): ${c.fix}`);
  const verdict = report.problem ? [`Problem: ${report.problem.sentence}`, `Fix: ${report.problem.fix}`] : ['No problem found.'];
  return [table, '', ...verdict, ...warnings].join('\n');
}

export async function doctor(ctx: CliContext, args: DoctorArgs): Promise<number> {
  const core = ctx.core();
  // The cached inventory names the target even when signed out: the sign-in is the first check.
  const { instance, target } = await findTarget(core, args.target, (l) => ctx.debug(l), { signedInFirst: false });
  ctx.say(`Checking ${args.feature} on ${describeInstance(instance)} as role ${target.roleName}${args.connect ? ' (will start and end a test session)' : ''}.`);
  const report = await core.aws.doctor({ target, feature: args.feature, ...(args.document ? { documentName: args.document } : {}), ...(args.connect ? { connect: args.feature === 'rdp' ? { parameters: { portNumber: ['3389'] } } : {} } : {}) });
  ctx.out(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
