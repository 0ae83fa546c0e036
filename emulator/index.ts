import type { AddressInfo } from 'node:net';
import { SignedApiAuth } from './auth';
import { awsConfigSnippet, endpointEnv } from './config-snippet';
import { EmulatorContext, type Pace } from './context';
import { EmulatorControl } from './control';
import { CredentialStore } from './credentials';
import { createStsService } from './sts';
import { createEc2Service } from './ec2';
import { FaultInjector } from './faults';
import { parseFixture, type Fixture, type FixtureInput } from './fixture';
import { EmulatedKms } from './kms';
import { createEmulatorServer } from './server';
import type { CreateSessionHub, SessionHub, SessionHubOptions } from './sessions/hub';
import { createSessionHub } from './sessions/index';
import { createSsmService } from './ssm';
import { SsoOidc } from './sso-oidc';
import { SsoPortal } from './sso-portal';

export { EmulatorControl } from './control';
export type { FaultsPatch } from './control';
export { loadFixtureFile, parseFixture, FixtureError } from './fixture';
export type { Fixture, FixtureInput } from './fixture';

export interface StartEmulatorOptions {
  /** A parsed fixture, or raw input that is validated here. */
  fixture: Fixture | FixtureInput;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback is allowed; the option exists so callers can say which loopback. */
  host?: '127.0.0.1' | 'localhost';
  /** Default 'none' in-process (tests); the command-line emulator defaults to 'faithful'. */
  pace?: Pace;
  /** Approve every device code and PKCE request at once (demos). */
  autoApprove?: boolean;
  /** Replaces the Session Manager side (tests of the API half alone). Default: emulator/sessions. */
  createSessionHub?: CreateSessionHub;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  port: number;
  /** AWS_ENDPOINT_URL_* for every emulated service, plus AWS_REGION (the SSO region). */
  env: Record<string, string>;
  /** A ~/.aws/config fragment: one sso-session and a profile per (account, role). */
  awsConfigSnippet(): string;
  control: EmulatorControl;
  /** The live fixture (faults reflect control API changes). */
  fixture(): Fixture;
  /** The Session Manager side (emulator/sessions, or the createSessionHub given). */
  hub: SessionHub;
  kms: EmulatedKms;
  stop(): Promise<void>;
}

export class EmulatorStartError extends Error {
  override name = 'EmulatorStartError';
}

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const fixture = parseFixture(options.fixture);
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost') throw new EmulatorStartError(`the emulator binds loopback only; got host ${String(host)}`);
  const ctx = new EmulatorContext(fixture, options.pace ?? 'none', options.autoApprove ?? false);
  const store = new CredentialStore();
  const faults = new FaultInjector(ctx);
  const auth = new SignedApiAuth(ctx, store, faults);
  const oidc = new SsoOidc(ctx);
  const portal = new SsoPortal(ctx, oidc, store);
  const kms = new EmulatedKms();
  const control = new EmulatorControl(ctx, oidc, faults, store);

  const hubOptions: SessionHubOptions = { fixture: () => ctx.fixture(), baseUrl: () => ctx.baseUrl(), pace: ctx.pace, kms };
  const hub = (options.createSessionHub ?? createSessionHub)(hubOptions);

  const server = createEmulatorServer({
    ctx,
    faults,
    auth,
    oidc,
    portal,
    jsonServices: [createSsmService(ctx, () => hub), kms.service()],
    query: createEc2Service(ctx),
    sts: createStsService(ctx, store),
    control,
    hub: () => hub,
  });

  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE')
        reject(new EmulatorStartError(`port ${port} on ${host} is already in use. Stop whatever holds it, or pass --port 0 to pick a free port.`));
      else if (err.code === 'EACCES')
        reject(new EmulatorStartError(`not allowed to listen on port ${port}; use a port above 1023, or --port 0.`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host}:${actualPort}`;
  ctx.setBaseUrl(url);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    env: endpointEnv(url, fixture.sso.region),
    awsConfigSnippet: () => awsConfigSnippet(ctx.fixture(), url),
    control,
    fixture: () => ctx.fixture(),
    hub,
    kms,
    stop: () =>
      (stopped ??= (async () => {
        await hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
