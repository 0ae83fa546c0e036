/**
 * The agent's version comparison and the feature gates it drives (spec §9.2, §9.5, §10).
 * Unlike the client's strict compare (core/ssm/payloads compareVersions), the agent compares
 * component-wise: numerically where both parts are numbers, as text otherwise; when all compared
 * parts are equal the shorter version is the smaller one.
 */

export function compareAgentStyle(a: string, b: string): number {
  const pa = a.trim().split('.');
  const pb = b.trim().split('.');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      const d = Number(x) - Number(y);
      if (d !== 0) return Math.sign(d);
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(pa.length - pb.length);
}

/**
 * What an agent of `agentVersion` does for a client reporting `clientVersion`.
 * Older agents simply lack the later features, so the agent's own version gates them too
 * (otherwise an emulated 2.x agent would speak smux to a client that, seeing 2.x, chose basic).
 */
export interface PortFeatures {
  mux: boolean;
  smuxKeepAlive: boolean;
  terminateFlag: boolean;
}

export function portFeatures(agentVersion: string, clientVersion: string): PortFeatures {
  const agentHasMux = compareAgentStyle(agentVersion, '3.0.196.0') > 0;
  const agentHasKeepAliveGate = compareAgentStyle(agentVersion, '3.1.1511.0') > 0;
  const mux = agentHasMux && compareAgentStyle(clientVersion, '1.1.70') >= 0;
  return {
    mux,
    smuxKeepAlive: mux && !(agentHasKeepAliveGate && compareAgentStyle(clientVersion, '1.2.331.0') > 0),
    terminateFlag: compareAgentStyle(agentVersion, '2.3.722.0') > 0,
  };
}

/** Whether the NonInteractiveCommands HandshakeComplete asks the user to upgrade (§6.5). */
export function needsOutputSeparationNotice(clientVersion: string): boolean {
  return compareAgentStyle(clientVersion, '1.2.295') <= 0;
}
