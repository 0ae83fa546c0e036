/**
 * Frame fuzzer for the SSM codec, payload parsers, the reliability engine (both roles) and smux.
 * Feeds random and mutated frames; the contract: decoders throw only ProtocolError, the engine
 * and smux never throw, nothing hangs. Used by the CI test (100 000 frames) and `npm run fuzz`.
 */
import { randomUUID } from 'node:crypto';
import {
  buildAcknowledge,
  buildHandshakeRequest,
  buildSessionTypeAction,
  encodeMessage,
  parseAcknowledge,
  parseAgentSessionState,
  parseChannelClosed,
  parseExitCode,
  parseFlag,
  parseHandshakeComplete,
  parseHandshakeRequest,
  parseHandshakeResponse,
  parseMessage,
  parseSize,
  ProtocolError,
  MessageType,
} from '../../main/core/ssm/message';
import { ReliabilityEngine } from '../../main/core/ssm/reliability';
import { SmuxSession, encodeSmuxFrame } from '../../main/core/ssm/smux';
import { prng } from '../support/prng';


export interface FuzzReport {
  frames: number;
  protocolErrors: number;
  accepted: number;
  ms: number;
}

const PAYLOAD_PARSERS = [parseAcknowledge, parseAgentSessionState, parseChannelClosed, parseExitCode, parseFlag, parseHandshakeComplete, parseHandshakeRequest, parseHandshakeResponse, parseSize];

/** Throws (a non-ProtocolError) on the first contract violation. */
export function runFuzz(frames: number, seed = 1): FuzzReport {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const seeds: Buffer[] = [
    encodeMessage({ messageType: MessageType.OutputStreamData, sequenceNumber: 0, payloadType: 1, payload: Buffer.from('hello') }),
    encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: 3, payloadType: 3, payload: Buffer.from('{"cols":80,"rows":24}') }),
    encodeMessage({ messageType: MessageType.Acknowledge, flags: 3, payload: buildAcknowledge({ messageType: 'output_stream_data', messageId: randomUUID(), sequenceNumber: 1 }) }),
    encodeMessage({
      messageType: MessageType.OutputStreamData,
      payloadType: 5,
      payload: buildHandshakeRequest({ AgentVersion: '3.3.40.0', RequestedClientActions: [buildSessionTypeAction('Port', { portNumber: '22' })] }),
    }),
    encodeMessage({ messageType: MessageType.ChannelClosed, payload: Buffer.from('{"SessionId":"s","Output":"x"}') }),
    encodeMessage({ messageType: MessageType.OutputStreamData, sequenceNumber: 1, payloadType: 1, payload: Buffer.concat([encodeSmuxFrame(0, 3), encodeSmuxFrame(2, 3, Buffer.from('hi'))]) }),
  ];
  const sink = () => undefined;
  const engines = [
    new ReliabilityEngine({ role: 'client', hooks: { transmit: sink, deliver: () => 'ok' } }),
    new ReliabilityEngine({ role: 'agent', hooks: { transmit: sink, deliver: () => (rnd() < 0.1 ? 'not-ready' : 'ok') } }),
  ];
  for (const e of engines) e.setTransportUp(true);
  let mux = new SmuxSession({ role: 'server', write: () => true });
  mux.on('stream', (s: NodeJS.ReadableStream) => s.resume());

  const mutate = (base: Buffer): Buffer => {
    const kind = int(8);
    let f: Buffer = Buffer.from(base);
    switch (kind) {
      case 0: // random bytes
        f = Buffer.from(Array.from({ length: int(300) }, () => int(256)));
        break;
      case 1: // flip bytes
        for (let i = int(8) + 1; i > 0; i--) if (f.length) f.writeUInt8(int(256), int(f.length));
        break;
      case 2: // truncate
        f = f.subarray(0, int(f.length + 1));
        break;
      case 3: // random header length
        if (f.length >= 4) f.writeUInt32BE(rnd() < 0.5 ? int(400) : int(2 ** 32), 0);
        break;
      case 4: // huge sequence/date/flags
        if (f.length >= 64) f.writeUInt32BE(int(2 ** 32), 40 + 8 * int(3));
        break;
      case 5: // append junk
        f = Buffer.concat([f, Buffer.from(Array.from({ length: int(64) }, () => int(256)))]);
        break;
      case 6: // mutate payload but fix the digest-free agent path
        if (f.length > 120) f.writeUInt8(int(256), 120 + int(f.length - 120));
        break;
      default: // valid frame with a random payload type and sequence
        f = encodeMessage({
          messageType: rnd() < 0.5 ? MessageType.OutputStreamData : MessageType.InputStreamData,
          sequenceNumber: int(50) - 5,
          payloadType: int(14),
          payload: Buffer.from(Array.from({ length: int(200) + 1 }, () => int(256))),
        });
    }
    return f;
  };

  let protocolErrors = 0;
  let accepted = 0;
  const started = Date.now();
  for (let i = 0; i < frames; i++) {
    const frame = mutate(seeds[int(seeds.length)] as Buffer);
    try {
      const msg = parseMessage(frame, { checkDigest: rnd() < 0.5 });
      accepted++;
      const parser = PAYLOAD_PARSERS[int(PAYLOAD_PARSERS.length)] as (p: Uint8Array) => unknown;
      try {
        parser(msg.payload);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`payload parser threw ${String(e)}`, { cause: e });
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw new Error(`decoder threw a non-ProtocolError: ${String(e)}`, { cause: e });
      protocolErrors++;
    }
    for (const e of engines) e.receive(frame); // must never throw
    if (mux.isClosed) {
      mux = new SmuxSession({ role: 'server', write: () => true });
      mux.on('stream', (s: NodeJS.ReadableStream) => s.resume());
    }
    mux.input(frame.subarray(int(Math.max(1, frame.length))));
    if (i % 1000 === 0) for (const e of engines) e.tick();
  }
  mux.close();
  return { frames, protocolErrors, accepted, ms: Date.now() - started };
}
