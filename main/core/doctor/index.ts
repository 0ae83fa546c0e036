import type { DoctorReport } from '../../../preload/contract/doctor';
import { evaluate } from './checks';
import { gatherFacts, type DoctorDeps, type DoctorRequest } from './probe';

/**
 * The connectivity doctor: "why can't I connect to this instance?" answered from read-only AWS
 * calls, in order (sign-in, permissions, managed node, agent connection, agent version,
 * platform and document, KMS, StartSession's own error), with the first problem and its fix.
 *
 *   const report = await runDoctor({ auth, credentials, sessions }, { target, feature: 'port' });
 *   report.ok / report.problem?.sentence / report.checks
 */
export async function runDoctor(deps: DoctorDeps, req: DoctorRequest): Promise<DoctorReport> {
  return evaluate(await gatherFacts(deps, req));
}

export { AGENT_REQUIREMENTS } from './agent-requirements';
export { FEATURE_DOCUMENTS, type DoctorDeps, type DoctorRequest } from './probe';
