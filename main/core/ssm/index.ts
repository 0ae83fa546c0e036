/**
 * Public surface of the Session Manager protocol library. Everything here is plain Node.
 * Shell: `new ShellSession(new DataChannel({ credentials }), { size })`, then `start()`.
 * Port:  `new PortSession(new DataChannel({ credentials }))`, then `start()` and
 *        `handleSocket()` / `pipeStdio()`, or a `PortForwarder` that renews sessions.
 */
export * from './message';
export { ReliabilityEngine, PROFILES, RTT } from './reliability';
export type { Role, Delivery, ReliabilityProfile, ReliabilityHooks, ReliabilityOptions, ReliabilityStats, ResumePoint } from './reliability';
export { SmuxSession, SmuxStream, SmuxCmd, encodeSmuxFrame, SMUX_DEFAULTS } from './smux';
export type { SmuxOptions } from './smux';
export {
  PayloadCipher,
  CounterNonce,
  aesGcmEncrypt,
  aesGcmDecrypt,
  splitDataKey,
  generateSessionDataKey,
  kmsClientConfig,
} from './encryption';
export type { GenerateDataKeyFn, DataKeyRequest, DataKey } from './encryption';
export { ClientHandshake } from './handshake';
export type { SessionInfo } from './handshake';
export { DataChannel, CLIENT_VERSION, DEFAULT_MAX_PAYLOAD, DEFAULT_RETRY } from './datachannel';
export type {
  DataChannelOptions,
  DataChannelFactory,
  SessionCredentials,
  ResumeFn,
  RetryPolicy,
  ChannelState,
  ClosedEvent,
  CloseReason,
  StateEvent,
  DataChannelStats,
  IncomingPayload,
  Receiver,
} from './datachannel';
export { ShellSession } from './shell';
export type { ShellOptions, ShellEnd } from './shell';
export { PortSession, PortForwarder, selectPortMode, smuxKeepAliveNeeded } from './port';
export type { PortMode, PortForwarderOptions } from './port';
