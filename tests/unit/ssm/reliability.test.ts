import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, buildAcknowledge, parseAcknowledge, MessageType, PayloadType } from '../../../main/core/ssm/message';
import { ReliabilityEngine, type Delivery, type ReliabilityOptions, type Role } from '../../../main/core/ssm/reliability';
import { simulate } from './sim';

function harness(role: Role, deliver: (p: string, pt: number) => Delivery = () => 'ok', extra: Pick<ReliabilityOptions, 'resumeAt'> = {}) {
  let now = 1000;
  const sent: Buffer[] = [];
  const delivered: string[] = [];
  const control: string[] = [];
  const engine = new ReliabilityEngine({
    ...extra,
    role,
    now: () => now,
    hooks: {
      transmit: (f) => sent.push(f),
      deliver: (m) => {
        const r = deliver(Buffer.from(m.payload).toString(), m.payloadType);
        if (r === 'ok') delivered.push(Buffer.from(m.payload).toString());
        return r;
      },
      control: (m) => control.push(m.messageType),
    },
  });
  engine.setTransportUp(true);
  const peerType = role === 'client' ? MessageType.OutputStreamData : MessageType.InputStreamData;
  const incoming = (seq: number, payload: string, payloadType: number = PayloadType.Output) =>
    encodeMessage({ messageType: peerType, sequenceNumber: seq, payloadType, payload: Buffer.from(payload), createdDate: 1 });
  const ackFor = (seq: number) =>
    encodeMessage({
      messageType: MessageType.Acknowledge,
      flags: 3,
      payload: buildAcknowledge({ messageType: 'x', messageId: '0f8fad5b-d9cb-469f-a165-70867728950e', sequenceNumber: seq }),
      createdDate: 1,
    });
  const acksSent = () => sent.map((f) => decodeMessage(f)).filter((m) => m.messageType === 'acknowledge').map((m) => parseAcknowledge(m.payload).AcknowledgedMessageSequenceNumber);
  const dataSent = () => sent.map((f) => decodeMessage(f)).filter((m) => m.messageType !== 'acknowledge');
  return {
    engine,
    sent,
    delivered,
    control,
    incoming,
    ackFor,
    acksSent,
    dataSent,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('receiving (§5.2)', () => {
  it('acks in-order messages and delivers them in order', () => {
    const h = harness('client');
    h.engine.receive(h.incoming(0, 'a'));
    h.engine.receive(h.incoming(1, 'b'));
    expect(h.delivered).toEqual(['a', 'b']);
    expect(h.acksSent()).toEqual([0, 1]);
  });

  it('buffers out-of-order messages, acks them on arrival, and delivers once the gap fills', () => {
    const h = harness('client');
    h.engine.receive(h.incoming(2, 'c'));
    h.engine.receive(h.incoming(1, 'b'));
    expect(h.delivered).toEqual([]);
    h.engine.receive(h.incoming(0, 'a'));
    expect(h.delivered).toEqual(['a', 'b', 'c']);
    expect(h.acksSent()).toEqual([2, 1, 0]);
    expect(h.engine.stats().reorderBuffered).toBe(0);
  });

  it('re-acknowledges duplicates without delivering them twice (client and agent)', () => {
    for (const role of ['client', 'agent'] as const) {
      const h = harness(role);
      h.engine.receive(h.incoming(0, 'a'));
      h.engine.receive(h.incoming(0, 'a'));
      h.engine.receive(h.incoming(2, 'c'));
      h.engine.receive(h.incoming(2, 'c'));
      expect(h.delivered).toEqual(['a']);
      expect(h.acksSent()).toEqual([0, 0, 2, 2]);
      expect(h.engine.stats().duplicatesReceived).toBe(2);
    }
  });

  it('withholds the ack and does not advance while the owner is not ready', () => {
    let ready = false;
    const h = harness('agent', () => (ready ? 'ok' : 'not-ready'));
    h.engine.receive(h.incoming(0, 'a'));
    expect(h.acksSent()).toEqual([]);
    expect(h.engine.stats().expectedIncomingSeq).toBe(0);
    ready = true;
    h.engine.receive(h.incoming(0, 'a'));
    expect(h.acksSent()).toEqual([0]);
    expect(h.delivered).toEqual(['a']);
  });


  it('client holds a refused in-order message unacknowledged, ignores its resends, and delivers and acks it on retryPending', () => {
    let ready = false;
    const h = harness('client', () => (ready ? 'ok' : 'not-ready'));
    h.engine.receive(h.incoming(0, 'a'));
    h.engine.receive(h.incoming(1, 'b'));
    h.engine.receive(h.incoming(0, 'a')); // the agent's resend of what we hold
    expect(h.delivered).toEqual([]);
    expect(h.acksSent()).toEqual([1]); // only the out-of-order one, as before
    expect(h.engine.stats().duplicatesReceived).toBe(1);
    h.engine.retryPending(); // still not ready: still held
    expect(h.acksSent()).toEqual([1]);
    ready = true;
    h.engine.retryPending();
    expect(h.delivered).toEqual(['a', 'b']);
    expect(h.acksSent()).toEqual([1, 0]);
    expect(h.engine.stats().expectedIncomingSeq).toBe(2);
  });

  it('says where it left off (oldest unacknowledged send, next expected receive) and a new engine continues there', () => {
    const h = harness('client');
    h.engine.receive(h.incoming(0, 'a'));
    h.engine.receive(h.incoming(1, 'b'));
    for (const p of ['x', 'y', 'z']) h.engine.send(PayloadType.Output, Buffer.from(p));
    h.engine.receive(h.ackFor(0));
    expect(h.engine.resumePoint()).toEqual({ nextOutgoingSeq: 1, expectedIncomingSeq: 2 });
    h.engine.receive(h.ackFor(1));
    h.engine.receive(h.ackFor(2));
    expect(h.engine.resumePoint()).toEqual({ nextOutgoingSeq: 3, expectedIncomingSeq: 2 });

    const next = harness('client', undefined, { resumeAt: { nextOutgoingSeq: 3, expectedIncomingSeq: 2 } });
    next.engine.receive(next.incoming(1, 'b')); // already delivered by the previous run: re-acked only
    next.engine.receive(next.incoming(2, 'c'));
    expect(next.delivered).toEqual(['c']);
    expect(next.engine.send(PayloadType.Output, Buffer.from('w'))).toBe(3);
  });

  it('agent discards a refused in-order message (the real agent waits for the resend)', () => {
    let ready = false;
    const h = harness('agent', () => (ready ? 'ok' : 'not-ready'));
    h.engine.receive(h.incoming(0, 'a'));
    ready = true;
    h.engine.retryPending();
    expect(h.delivered).toEqual([]);
    expect(h.acksSent()).toEqual([]);
  });
  it('keeps an acknowledged out-of-order message the owner refused, and delivers it on retryPending', () => {
    let ready = true;
    const h = harness('client', (p) => (p === 'b' && !ready ? 'not-ready' : 'ok'));
    h.engine.receive(h.incoming(1, 'b'));
    ready = false;
    h.engine.receive(h.incoming(0, 'a'));
    expect(h.delivered).toEqual(['a']);
    ready = true;
    h.engine.retryPending();
    expect(h.delivered).toEqual(['a', 'b']);
  });

  it('client acks handshake messages before delivering them', () => {
    const order: string[] = [];
    const h = harness('client', () => {
      order.push(`deliver after ${h.acksSent().length} acks`);
      return 'ok';
    });
    h.engine.receive(h.incoming(0, '{}', PayloadType.HandshakeRequest));
    expect(order).toEqual(['deliver after 1 acks']);
  });

  it('drops frames with a bad digest without acking (client) and counts them', () => {
    const h = harness('client');
    const f = Buffer.from(h.incoming(0, 'abc'));
    f.writeUInt8(0x41, f.length - 1);
    h.engine.receive(f);
    expect(h.acksSent()).toEqual([]);
    expect(h.engine.stats().droppedFrames).toBe(1);
  });

  it('drops out-of-order messages beyond the incoming capacity without acking', () => {
    const h = harness('client');
    for (let s = 1; s <= 10_001; s++) h.engine.receive(h.incoming(s, 'x'));
    expect(h.acksSent()).toHaveLength(10_000);
    expect(h.engine.stats().reorderBuffered).toBe(10_000);
  });

  it('passes control messages through', () => {
    const h = harness('client');
    h.engine.receive(encodeMessage({ messageType: 'channel_closed', payload: Buffer.from('{}'), createdDate: 1 }));
    expect(h.control).toEqual(['channel_closed']);
  });
});

describe('sending, acks and retransmission (§5.3, §5.4)', () => {
  it('numbers stream messages from 0, flags 1 on the agent seq 0 only', () => {
    const a = harness('agent');
    a.engine.send(PayloadType.Output, Buffer.from('x'));
    a.engine.send(PayloadType.Output, Buffer.from('y'));
    expect(a.dataSent().map((m) => [m.sequenceNumber, m.flags, m.messageType])).toEqual([
      [0, 1, 'output_stream_data'],
      [1, 0, 'output_stream_data'],
    ]);
    const c = harness('client');
    c.engine.send(PayloadType.Size, Buffer.from('{}'));
    expect(c.dataSent().map((m) => [m.sequenceNumber, m.flags, m.messageType])).toEqual([[0, 0, 'input_stream_data']]);
  });

  it('updates RTT/RTO per §5.4 and removes acked entries', () => {
    const h = harness('agent');
    h.engine.send(PayloadType.Output, Buffer.from('x'));
    h.advance(50);
    h.engine.receive(h.ackFor(0));
    const s = h.engine.stats();
    // RTTVAR = 0.25*|100-50| = 12.5; SRTT = 0.875*100 + 0.125*50 = 93.75; RTO = 93.75 + 50
    expect(s.rttvarMs).toBe(12.5);
    expect(s.srttMs).toBe(93.75);
    expect(s.rtoMs).toBe(143.75);
    expect(s.buffered).toBe(0);
  });

  it('agent resends only the oldest overdue entry per tick, RTO-paced, forever', () => {
    const h = harness('agent');
    h.engine.send(PayloadType.Output, Buffer.from('a'));
    h.engine.send(PayloadType.Output, Buffer.from('b'));
    h.advance(200);
    h.engine.tick(); // not > RTO yet
    expect(h.dataSent()).toHaveLength(2);
    h.advance(1);
    h.engine.tick();
    h.engine.tick();
    expect(h.dataSent().map((m) => Buffer.from(m.payload).toString())).toEqual(['a', 'b', 'a']);
  });

  it('client resends every overdue entry once per RTO with back-off, not every tick', () => {
    const h = harness('client');
    h.engine.send(PayloadType.Output, Buffer.from('a'));
    h.engine.send(PayloadType.Output, Buffer.from('b'));
    h.advance(200);
    h.engine.tick();
    expect(h.dataSent().map((m) => Buffer.from(m.payload).toString())).toEqual(['a', 'b', 'a', 'b']);
    for (let i = 0; i < 3; i++) {
      h.advance(100);
      h.engine.tick();
    }
    expect(h.dataSent()).toHaveLength(4); // back-off: next resend due 400 ms after the first
    h.advance(100);
    h.engine.tick();
    expect(h.dataSent()).toHaveLength(6);
    expect(h.engine.stats().retransmits).toBe(4);
  });

  it('client keeps its RTO at 200 ms or more however fast acks come; the agent follows the formula', () => {
    const client = harness('client');
    const agent = harness('agent');
    for (const h of [client, agent]) {
      for (let i = 0; i < 40; i++) {
        h.engine.send(PayloadType.Output, Buffer.from('x'));
        h.advance(1);
        h.engine.receive(h.ackFor(i));
      }
    }
    expect(agent.engine.stats().rtoMs).toBeLessThan(20);
    expect(client.engine.stats().rtoMs).toBe(200);
    // A message whose ack is 150 ms late is not resent by the client.
    client.engine.send(PayloadType.Output, Buffer.from('late'));
    client.advance(150);
    client.engine.tick();
    expect(client.dataSent().filter((m) => Buffer.from(m.payload).toString() === 'late')).toHaveLength(1);
    expect(client.engine.stats().retransmits).toBe(0);
  });

  it('client takes RTT samples only from never-retransmitted messages (Karn)', () => {
    const h = harness('client');
    h.engine.send(PayloadType.Output, Buffer.from('a'));
    h.advance(300);
    h.engine.tick();
    h.advance(5);
    h.engine.receive(h.ackFor(0));
    expect(h.engine.stats().srttMs).toBe(100);
  });

  it('client bounds the in-flight window and resumes as acks arrive', () => {
    const h = harness('client');
    let drained = 0;
    const e = new ReliabilityEngine({
      role: 'client',
      profile: { maxInFlightMessages: 2 },
      hooks: { transmit: (f) => h.sent.push(f), deliver: () => 'ok', drain: () => drained++ },
    });
    e.setTransportUp(true);
    for (const p of ['a', 'b', 'c', 'd']) e.send(PayloadType.Output, Buffer.from(p));
    expect(e.canSend()).toBe(false);
    expect(h.dataSent().map((m) => Buffer.from(m.payload).toString())).toEqual(['a', 'b']);
    e.receive(h.ackFor(0));
    e.receive(h.ackFor(1));
    expect(h.dataSent().map((m) => Buffer.from(m.payload).toString())).toEqual(['a', 'b', 'c', 'd']);
    expect(drained).toBe(1);
  });

  it('agent stores but does not transmit while paused; start_publication or an ack resumes', () => {
    const h = harness('agent');
    h.engine.receive(encodeMessage({ messageType: 'pause_publication', payload: Buffer.from('x'), createdDate: 1 }));
    h.engine.send(PayloadType.Output, Buffer.from('a'));
    expect(h.dataSent()).toHaveLength(0);
    expect(h.engine.canSend()).toBe(false);
    h.advance(500);
    h.engine.tick();
    expect(h.dataSent()).toHaveLength(0);
    h.engine.receive(encodeMessage({ messageType: 'start_publication', payload: Buffer.from('x'), createdDate: 1 }));
    h.engine.tick();
    expect(h.dataSent().map((m) => Buffer.from(m.payload).toString())).toEqual(['a']);
  });

  it('agent sends once without storing when the outgoing buffer is full', () => {
    let n = 0;
    const e = new ReliabilityEngine({ role: 'agent', profile: { outgoingCapacity: 1 }, hooks: { transmit: () => n++, deliver: () => 'ok' } });
    e.setTransportUp(true);
    e.send(PayloadType.Output, Buffer.from('a'));
    e.send(PayloadType.Output, Buffer.from('b'));
    expect(n).toBe(2);
    expect(e.stats().buffered).toBe(1);
  });

  it('keeps unacked data across a transport drop and resends it on reconnect (client)', () => {
    const h = harness('client');
    h.engine.send(PayloadType.Output, Buffer.from('a'));
    h.engine.setTransportUp(false);
    h.engine.send(PayloadType.Output, Buffer.from('b'));
    expect(h.dataSent()).toHaveLength(1);
    h.engine.setTransportUp(true);
    expect(h.dataSent().map((m) => [m.sequenceNumber, Buffer.from(m.payload).toString()])).toEqual([
      [0, 'a'],
      [0, 'a'],
      [1, 'b'],
    ]);
  });

  it('gives up after the resend limit via hooks.fatal', () => {
    let fatal: Error | undefined;
    let now = 0;
    const e = new ReliabilityEngine({ role: 'client', now: () => now, profile: { maxResendAttempts: 3 }, hooks: { transmit: () => undefined, deliver: () => 'ok', fatal: (x) => (fatal = x) } });
    e.setTransportUp(true);
    e.send(PayloadType.Output, Buffer.from('a'));
    for (let i = 0; i < 10 && !fatal; i++) {
      now += 10_000;
      e.tick();
    }
    expect(fatal?.message).toMatch(/resent 3 times/);
  });
});

describe('reliability properties against a scripted lossy peer', () => {
  const chunks = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 0, maxLength: 60 });
  const faults = fc.record({
    drop: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    jitterMs: fc.integer({ min: 0, max: 80 }),
    baseDelayMs: fc.integer({ min: 0, max: 30 }),
    socketDropPerStep: fc.constantFrom(0, 0.005, 0.02),
    reconnectMs: fc.integer({ min: 1, max: 500 }),
    notReady: fc.double({ min: 0, max: 0.2, noNaN: true }),
  });

  it('the delivered byte streams are exactly the sent ones, both directions', () => {
    fc.assert(
      fc.property(fc.integer(), faults, chunks, chunks, (seed, f, up, down) => {
        const r = simulate({ seed, faults: f, clientData: up.map((c) => Buffer.from(c)), agentData: down.map((c) => Buffer.from(c)) });
        expect(r.fatal).toBeUndefined();
        expect(r.agentReceived.equals(Buffer.concat(up.map((c) => Buffer.from(c))))).toBe(true);
        expect(r.clientReceived.equals(Buffer.concat(down.map((c) => Buffer.from(c))))).toBe(true);
        expect(r.client.allAcknowledged && r.agent.allAcknowledged).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
