/**
 * A deterministic, virtual-time network between a client engine and an agent engine, with a
 * scripted lossy link (drop, duplicate, reorder by random delay, socket drops). Used by the
 * reliability property tests: whatever the faults, the delivered byte streams must equal the sent ones.
 */
import { PayloadType } from '../../../main/core/ssm/constants';
import { ReliabilityEngine, type Delivery, type Role } from '../../../main/core/ssm/reliability';
import { prng } from '../../support/prng';
export { prng };

export interface LinkFaults {
  drop: number;
  duplicate: number;
  /** Max extra random delay (ms); any value > 0 reorders frames. */
  jitterMs: number;
  baseDelayMs: number;
  /** Probability per 10 ms step that the socket drops (both ends see it), reconnecting after reconnectMs. */
  socketDropPerStep: number;
  reconnectMs: number;
  /** Probability that the receiving owner says "not ready" for a message. */
  notReady: number;
}

interface InFlight {
  at: number;
  to: Role;
  frame: Uint8Array;
  epoch: number;
}


export interface SimResult {
  clientReceived: Buffer;
  agentReceived: Buffer;
  virtualMs: number;
  client: ReliabilityEngine;
  agent: ReliabilityEngine;
  fatal: Error | undefined;
}

export function simulate(opts: { seed: number; faults: LinkFaults; clientData: Buffer[]; agentData: Buffer[]; maxVirtualMs?: number }): SimResult {
  const rnd = prng(opts.seed);
  const f = opts.faults;
  let now = 1;
  let epoch = 0;
  let up = true;
  let reconnectAt = 0;
  const wire: InFlight[] = [];
  const received: Record<Role, Buffer[]> = { client: [], agent: [] };
  let fatal: Error | undefined;

  const put = (to: Role, frame: Buffer) => {
    if (!up) return;
    if (rnd() < f.drop) return;
    const copies = rnd() < f.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) wire.push({ at: now + f.baseDelayMs + rnd() * f.jitterMs, to, frame, epoch });
  };
  const make = (role: Role, peer: Role) =>
    new ReliabilityEngine({
      role,
      now: () => now,
      hooks: {
        transmit: (frame) => put(peer, frame),
        deliver: (msg): Delivery => {
          if (rnd() < f.notReady) return 'not-ready';
          received[role].push(Buffer.from(msg.payload));
          return 'ok';
        },
        fatal: (e) => {
          fatal = e;
        },
      },
    });
  const client = make('client', 'agent');
  const agent = make('agent', 'client');
  const engines: Record<Role, ReliabilityEngine> = { client, agent };
  client.setTransportUp(true);
  agent.setTransportUp(true);

  const pending: Record<Role, Buffer[]> = { client: [...opts.clientData], agent: [...opts.agentData] };
  const feed = (role: Role) => {
    const e = engines[role];
    while (pending[role].length > 0 && e.canSend()) e.send(PayloadType.Output, pending[role].shift() as Buffer);
  };
  const total = (bs: Buffer[]) => bs.reduce((n, b) => n + b.length, 0);
  const wantClient = total(opts.agentData);
  const wantAgent = total(opts.clientData);
  const limit = opts.maxVirtualMs ?? 3_600_000;

  let nextTick = 10;
  while (now < limit && !fatal) {
    feed('client');
    feed('agent');
    if (!up && now >= reconnectAt) {
      up = true;
      epoch++;
      client.setTransportUp(true);
      agent.setTransportUp(true);
    } else if (up && now >= nextTick && rnd() < f.socketDropPerStep) {
      up = false;
      reconnectAt = now + f.reconnectMs;
      client.setTransportUp(false);
      agent.setTransportUp(false);
    }
    // deliver everything due this ms, in arrival-time order; frames of a dead socket are lost
    wire.sort((a, b) => a.at - b.at);
    while (wire.length > 0 && (wire[0] as InFlight).at <= now) {
      const m = wire.shift() as InFlight;
      if (m.epoch === epoch && up) engines[m.to].receive(m.frame);
    }
    if (now >= nextTick) {
      // An owner that said 'not-ready' says when it is ready again (by the next tick here).
      client.retryPending();
      agent.retryPending();
      client.tick();
      if (nextTick % 100 === 0) agent.tick();
      nextTick += 10;
    }
    if (
      pending.client.length === 0 &&
      pending.agent.length === 0 &&
      total(received.client) === wantClient &&
      total(received.agent) === wantAgent &&
      client.allAcknowledged &&
      agent.allAcknowledged
    ) {
      break;
    }
    // jump to the next event: a frame arrival, a timer tick or a reconnect
    let next = nextTick;
    for (const m of wire) if (m.at < next) next = m.at;
    if (!up && reconnectAt < next) next = reconnectAt;
    now = Math.max(now + 0.001, next);
  }
  return { clientReceived: Buffer.concat(received.client), agentReceived: Buffer.concat(received.agent), virtualMs: now, client, agent, fatal };
}
