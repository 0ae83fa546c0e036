import { randomBytes } from 'node:crypto';
import type { FixtureInstance } from '../fixture';
import type { KmsDataKeys } from '../sessions/hub';
import type { SessionPlan } from '../sessions/documents';
import { MessageType, PayloadType } from '../../main/core/ssm/constants';
import type { SsmMessage } from '../../main/core/ssm/message';
import {
  ActionStatus,
  ActionType,
  buildAgentSessionState,
  buildEncChallenge,
  buildHandshakeComplete,
  buildHandshakeRequest,
  buildKmsAction,
  buildSessionTypeAction,
  parseEncChallenge,
  parseHandshakeResponse,
  type RequestedClientAction,
} from '../../main/core/ssm/payloads';
import { CHALLENGE_CONTEXT_KEY, PayloadCipher } from '../../main/core/ssm/encryption';
import { ReliabilityEngine, RTT, type Delivery, type ReliabilityStats } from '../../main/core/ssm/reliability';
import { CommandPlugin } from './command-plugin';
import type { Pace } from './output-pump';
import type { PluginContext, PluginEnd, SessionPlugin } from './plugin';
import { MuxPortPlugin } from './mux-port-plugin';
import { SinglePortPlugin } from './port-plugin';
import { ShellPlugin } from './shell-plugin';
import { needsOutputSeparationNotice, portFeatures } from './versions';

/**
 * The fake SSM agent of one session (spec §11): its data channel (the core reliability engine in
 * its `agent` profile), the handshake, KMS encryption and the session plugin. It talks to the fake
 * service in-process: `fromService` takes frames the service relays, `toService` carries the
 * agent's frames to the service.
 */

export const HANDSHAKE_TIMEOUT_MS = 15_000;
const DRAIN_LIMIT_MS = 2_000;
const DRAIN_POLL_MS = 10;
const ENCRYPTED_OUTGOING = new Set<number>([PayloadType.Output, PayloadType.StdErr, PayloadType.ExitCode]);

export interface AgentOptions {
  sessionId: string;
  instance: FixtureInstance;
  plan: SessionPlan;
  /** From the session preferences; ignored for Port sessions (the agent never encrypts those). */
  kmsKeyId: string | undefined;
  pace: Pace;
  /** The largest output message, when not the pace's. */
  readSize?: number | undefined;
  kms: KmsDataKeys;
  /** One frame from the agent to the service (stream messages, acks, agent_session_state). */
  toService(frame: Buffer): void;
  /** The agent closed its data channel; `end.ok` false when the session failed. */
  onClose(end: PluginEnd): void;
  handshakeTimeoutMs?: number;
  /**
   * True while the service's socket to the client is full (the client stopped reading). The
   * real agent's websocket write then blocks, so it stops reading its sources; call
   * `socketWritable()` when it drains.
   */
  socketBlocked?: () => boolean;
}

type HandshakeState = 'awaiting-response' | 'awaiting-challenge' | 'complete' | 'skipped';

export class FakeAgent {
  private readonly engine: ReliabilityEngine;
  private readonly encrypt: boolean;
  private handshake: HandshakeState = 'skipped';
  private handshakeStartedAt = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private challenge: Buffer | undefined;
  private kmsChallenge = '';
  private cipher: PayloadCipher | undefined;
  private clientVersion = '';
  private plugin: SessionPlugin | undefined;
  private readonly activeListeners: Array<() => void> = [];
  private readonly resendTimer: NodeJS.Timeout;
  private closing = false;
  private closed = false;
  private cancelled = false;

  constructor(private readonly options: AgentOptions) {
    this.encrypt = options.plan.sessionType !== 'Port' && options.kmsKeyId !== undefined;
    this.engine = new ReliabilityEngine({
      role: 'agent',
      hooks: {
        transmit: (frame) => this.options.toService(frame),
        deliver: (msg) => this.deliver(msg),
        control: (msg) => this.control(msg),
      },
    });
    this.resendTimer = setInterval(() => this.engine.tick(), RTT.tickMs);
    this.resendTimer.unref();
  }

  /** §11.1: Connected state, then handshake or straight to the session plugin. */
  start(): void {
    this.engine.setTransportUp(true);
    this.engine.sendControl(MessageType.AgentSessionState, buildAgentSessionState('Connected', this.options.sessionId));
    const { plan } = this.options;
    const needsHandshake = plan.sessionType === 'Port' || plan.sessionType === 'NonInteractiveCommands' || this.encrypt;
    if (!needsHandshake) {
      this.handshake = 'skipped';
      void this.startPlugin();
      return;
    }
    const actions: RequestedClientAction[] = [buildSessionTypeAction(plan.sessionType, plan.properties)];
    if (this.encrypt) {
      this.kmsChallenge = randomBytes(16).toString('base64');
      actions.push(buildKmsAction(this.options.kmsKeyId as string, this.kmsChallenge));
    }
    this.handshake = 'awaiting-response';
    this.handshakeStartedAt = Date.now();
    this.engine.send(PayloadType.HandshakeRequest, buildHandshakeRequest({ AgentVersion: this.options.instance.agentVersion, RequestedClientActions: actions }));
    this.armHandshakeTimer('Handshake timed out. Please ensure that you have the latest version of the session manager plugin.');
  }

  fromService(frame: Buffer): void {
    if (this.closed) return;
    const wasPaused = this.engine.isPaused;
    this.engine.receive(frame);
    if (wasPaused && !this.engine.isPaused) for (const l of this.activeListeners) l();
  }

  /** The service's socket drained (see AgentOptions.socketBlocked): sources may be read again. */
  socketWritable(): void {
    if (!this.closed && !this.engine.isPaused) for (const l of this.activeListeners) l();
  }

  /** TerminateSession / channel_closed: cancel the plugin, then close (§11.5). */
  cancel(reason = 'cancelled'): void {
    if (this.cancelled || this.closed) return;
    this.cancelled = true;
    this.plugin?.cancel();
    void this.close({ ok: true, reason });
  }

  stats(): ReliabilityStats & { handshake: HandshakeState; encrypted: boolean; clientVersion: string } {
    return { ...this.engine.stats(), handshake: this.handshake, encrypted: this.cipher !== undefined, clientVersion: this.clientVersion };
  }

  private armHandshakeTimer(message: string): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => this.fail(message), this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
  }

  private control(msg: SsmMessage): void {
    if (msg.messageType === MessageType.ChannelClosed) this.cancel('channel closed by the service');
  }

  private deliver(msg: SsmMessage): Delivery {
    switch (msg.payloadType) {
      case PayloadType.HandshakeResponse:
        if (this.handshake === 'awaiting-response') this.onHandshakeResponse(msg.payload);
        return 'ok';
      case PayloadType.EncChallengeResponse:
        if (this.handshake === 'awaiting-challenge') this.onChallengeResponse(msg.payload);
        return 'ok';
    }
    // Data before the handshake finished is acknowledged and dropped (§5.2).
    if (this.handshake !== 'complete' && this.handshake !== 'skipped') return 'ok';
    if (!this.plugin || this.closing) return this.closing ? 'ok' : 'not-ready';
    let payload: Uint8Array = msg.payload;
    if (this.cipher && msg.payloadType === PayloadType.Output) payload = this.cipher.decrypt(payload);
    return this.plugin.input(msg.payloadType, payload);
  }

  private onHandshakeResponse(payload: Uint8Array): void {
    let response;
    try {
      response = parseHandshakeResponse(payload);
    } catch (err) {
      return this.fail(`invalid HandshakeResponse: ${(err as Error).message}`);
    }
    this.clientVersion = response.ClientVersion;
    for (const action of response.ProcessedClientActions) {
      if (action.ActionStatus !== ActionStatus.Success) {
        return this.fail(`the client could not perform ${action.ActionType}: ${action.Error || `status ${action.ActionStatus}`}`);
      }
      if (action.ActionType === ActionType.KMSEncryption && this.encrypt) {
        const result = action.ActionResult;
        if (!result) return this.fail('the KMSEncryption action carried no KMSCipherTextKey');
        const context: Record<string, string> = { 'aws:ssm:SessionId': this.options.sessionId, 'aws:ssm:TargetId': this.options.instance.id };
        if (result.ChallengeAcknowledgement) context[CHALLENGE_CONTEXT_KEY] = this.kmsChallenge;
        try {
          this.cipher = new PayloadCipher(this.options.kms.decrypt(Buffer.from(result.KMSCipherTextKey, 'base64'), context), 'agent');
        } catch (err) {
          return this.fail(`KMS Decrypt of the session data key failed: ${(err as Error).message}`);
        }
      }
    }
    if (this.encrypt) {
      if (!this.cipher) return this.fail('the client did not answer the KMSEncryption action');
      this.challenge = randomBytes(64);
      this.handshake = 'awaiting-challenge';
      this.engine.send(PayloadType.EncChallengeRequest, buildEncChallenge(this.cipher.encrypt(this.challenge)));
      this.armHandshakeTimer('Timed out waiting for encryption challenge.');
      return;
    }
    this.completeHandshake();
  }

  private onChallengeResponse(payload: Uint8Array): void {
    let answer: Buffer;
    try {
      answer = (this.cipher as PayloadCipher).decrypt(parseEncChallenge(payload));
    } catch (err) {
      return this.fail(`encryption challenge failed: ${(err as Error).message}`);
    }
    if (!this.challenge || !answer.equals(this.challenge)) return this.fail('encryption challenge failed: the answer does not match');
    this.completeHandshake();
  }

  private completeHandshake(): void {
    clearTimeout(this.handshakeTimer);
    this.handshake = 'complete';
    let message = this.cipher ? 'This session is encrypted using AWS KMS.' : '';
    if (this.options.plan.sessionType === 'NonInteractiveCommands' && needsOutputSeparationNotice(this.clientVersion)) {
      message = `Your session manager plugin cannot show stdout and stderr apart; upgrade it to 1.2.312.0 or later.\r\n${message}`;
    }
    const elapsedNs = Math.max(1, Date.now() - this.handshakeStartedAt) * 1_000_000;
    this.engine.send(PayloadType.HandshakeComplete, buildHandshakeComplete({ HandshakeTimeToComplete: elapsedNs, CustomerMessage: message }));
    void this.startPlugin();
  }

  private pluginContext(): PluginContext {
    return {
      pace: this.options.pace,
      ...(this.options.readSize !== undefined ? { readSize: this.options.readSize } : {}),
      send: (payloadType, payload) => {
        if (this.closed || payload.length === 0) return; // the agent skips empty stream data
        const wire = this.cipher && ENCRYPTED_OUTGOING.has(payloadType) ? this.cipher.encrypt(payload) : payload;
        this.engine.send(payloadType, wire);
      },
      isActive: () => !this.engine.isPaused && !this.options.socketBlocked?.(),
      onActive: (l) => this.activeListeners.push(l),
      clientVersion: () => this.clientVersion,
    };
  }

  private createPlugin(ctx: PluginContext): SessionPlugin {
    const { work } = this.options.plan;
    const instance = this.options.instance;
    switch (work.kind) {
      case 'shell':
        return new ShellPlugin(ctx, { instance });
      case 'interactive-command':
        return new ShellPlugin(ctx, { instance, command: work.command });
      case 'non-interactive-command':
        return new CommandPlugin(ctx, work.command);
      case 'port': {
        const target = { instance, host: work.host, portNumber: work.portNumber };
        if (work.portType !== 'LocalPortForwarding') return new SinglePortPlugin(ctx, target, 'stdio');
        const features = portFeatures(instance.agentVersion, this.clientVersion);
        return features.mux ? new MuxPortPlugin(ctx, target, { keepAlive: features.smuxKeepAlive }) : new SinglePortPlugin(ctx, target, 'basic');
      }
    }
  }

  private async startPlugin(): Promise<void> {
    if (this.cancelled) return;
    const plugin = this.createPlugin(this.pluginContext());
    try {
      await plugin.start();
    } catch (err) {
      plugin.cancel();
      return this.fail((err as Error).message);
    }
    if (this.cancelled) return plugin.cancel();
    this.plugin = plugin;
    this.engine.retryPending();
    void plugin.done.then((end) => this.close(end));
  }

  private fail(reason: string): void {
    if (this.closing) return;
    this.plugin?.cancel();
    void this.close({ ok: false, reason });
  }

  /** §11.5: drain (≤ 2 s for acks), Terminating, drain again, close. */
  private async close(end: PluginEnd): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.handshakeTimer);
    if (!this.cancelled) {
      await this.plugin?.flushed();
      await this.drain();
      if (end.ok) this.engine.sendControl(MessageType.AgentSessionState, buildAgentSessionState('Terminating', this.options.sessionId));
      await this.drain();
    }
    this.closed = true;
    clearInterval(this.resendTimer);
    this.engine.close();
    this.options.onClose(end);
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_LIMIT_MS;
    while (!this.engine.allAcknowledged && Date.now() < deadline && !this.cancelled) {
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  }
}
