import type { DoctorFeature } from '../../../preload/contract/doctor';
import { compareVersions } from '../ssm/payloads';

/**
 * The one table of SSM agent versions features need, each with where the number comes from.
 * "or later" thresholds (AWS documentation, agent release notes) are inclusive; the plugin's
 * "...AfterThisAgentVersion" constants are strict, and so are the gates the protocol code uses
 * (core/ssm/port.ts selectPortMode, smuxKeepAliveNeeded) and the emulator's agent
 * (emulator/agent/versions.ts): the numbers here must agree with those.
 */

export type AgentCapability = 'session' | 'port-forwarding' | 'remote-host-forwarding' | 'kms-encryption' | 'tcp-multiplexing' | 'interactive-commands' | 'non-interactive-commands';

export interface AgentRequirement {
  capability: AgentCapability;
  /** What a person calls it, in a sentence: "port forwarding needs 2.3.672.0 or later". */
  label: string;
  version: string;
  /** true: `version` itself qualifies ("or later"); false: only newer ones ("after"). */
  inclusive: boolean;
  /** Whether an older agent stops the feature (false: it works, less well). */
  blocking: boolean;
  source: string;
}

export const AGENT_REQUIREMENTS: Readonly<Record<AgentCapability, AgentRequirement>> = {
  session: {
    capability: 'session',
    label: 'any Session Manager session',
    version: '2.3.68.0',
    inclusive: true,
    blocking: true,
    source: 'AWS Systems Manager User Guide, "Session Manager prerequisites" (SSM Agent 2.3.68.0 or later); agent release notes 2.3.68.0',
  },
  'port-forwarding': {
    capability: 'port-forwarding',
    label: 'port forwarding (and SSH/RDP through it)',
    version: '2.3.672.0',
    inclusive: true,
    blocking: true,
    source: 'AWS Systems Manager User Guide, "Session Manager prerequisites" (port forwarding or SSH: 2.3.672.0 or later); agent release notes 2.3.672.0 "Add Port plugin"',
  },
  'remote-host-forwarding': {
    capability: 'remote-host-forwarding',
    label: 'port forwarding to a remote host',
    version: '3.1.1188.0',
    inclusive: true,
    blocking: true,
    source: 'aws/amazon-ssm-agent release notes 3.1.1188.0 "Added support for port forwarding to remote host"',
  },
  'kms-encryption': {
    capability: 'kms-encryption',
    label: 'KMS-encrypted sessions',
    version: '2.3.539.0',
    inclusive: true,
    blocking: true,
    source: 'AWS Systems Manager User Guide, "Session Manager prerequisites" (KMS encryption: 2.3.539.0 or later)',
  },
  'tcp-multiplexing': {
    capability: 'tcp-multiplexing',
    label: 'several connections over one tunnel session (smux)',
    version: '3.0.196.0',
    inclusive: false,
    blocking: false,
    source: 'aws/session-manager-plugin src/config/config.go TCPMultiplexingSupportedAfterThisAgentVersion = "3.0.196.0"',
  },
  'interactive-commands': {
    capability: 'interactive-commands',
    label: 'InteractiveCommands documents',
    version: '2.3.668.0',
    inclusive: true,
    blocking: true,
    source: 'aws/amazon-ssm-agent release notes 2.3.668.0 "Add Session Manager InteractiveCommands plugin"',
  },
  'non-interactive-commands': {
    capability: 'non-interactive-commands',
    label: 'NonInteractiveCommands documents',
    version: '3.0.1124.0',
    inclusive: true,
    blocking: true,
    source: 'aws/amazon-ssm-agent release notes 3.0.1124.0 "Added support for NonInteractiveCommands session type"',
  },
};

/** What a feature run with a document of `sessionType` asks of the agent, most basic first. */
export function requirementsFor(feature: DoctorFeature, sessionType: string | undefined, kmsRequired: boolean): AgentRequirement[] {
  const r = AGENT_REQUIREMENTS;
  const list: AgentRequirement[] = [r.session];
  if (feature !== 'shell') list.push(r['port-forwarding']);
  if (feature === 'remote-port') list.push(r['remote-host-forwarding']);
  if (feature === 'shell' && sessionType === 'InteractiveCommands') list.push(r['interactive-commands']);
  if (feature === 'shell' && sessionType === 'NonInteractiveCommands') list.push(r['non-interactive-commands']);
  if (kmsRequired) list.push(r['kms-encryption']);
  if (feature !== 'shell') list.push(r['tcp-multiplexing']);
  return list;
}

/** true / false, or undefined when the agent's version is not a comparable four-part number. */
export function meets(agentVersion: string, requirement: AgentRequirement): boolean | undefined {
  // compareVersions stops at the first differing part; the whole version must be numbers.
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(agentVersion)) return undefined;
  const c = compareVersions(agentVersion, requirement.version);
  if (c === undefined) return undefined;
  return requirement.inclusive ? c >= 0 : c > 0;
}

export function thresholdText(requirement: AgentRequirement): string {
  return requirement.inclusive ? `${requirement.version} or later` : `newer than ${requirement.version}`;
}
