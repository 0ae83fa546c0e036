/**
 * A launch is planned as data (pure, unit-tested per platform) and then run by run.ts.
 * Passwords never appear here: clients prompt for them, or read them from their own stores
 * (.pgpass, the OS keychain).
 */

export type LaunchPlatform = 'win32' | 'darwin' | 'linux';

export interface LaunchFile {
  /** File name only; run.ts places it in a private temp folder. */
  name: string;
  content: Buffer;
}

export interface LaunchPlan {
  /** Human name of the client, for messages ("FreeRDP 3 (xfreerdp3)"). */
  client: string;
  command: string;
  /** `{file}` is replaced by the written file's path. */
  args: string[];
  file?: LaunchFile;
  /** A terminal program (psql, mysql): run.ts opens it in a terminal window. */
  terminal?: boolean;
}

/** What the local end of a tunnel looks like to a client. */
export interface LaunchEndpoint {
  host: string;
  port: number;
  /** Profile name, used as a label by clients that show one. */
  label: string;
}

/** Connection details shown to copy when no client can be started. */
export function connectionDetails(endpoint: LaunchEndpoint, extra: Record<string, string | undefined> = {}): string {
  const lines = [`Host: ${endpoint.host}`, `Port: ${endpoint.port}`];
  for (const [k, v] of Object.entries(extra)) if (v) lines.push(`${k}: ${v}`);
  return lines.join('\n');
}

/** Which programs exist here; injected so plans are pure. */
export interface ClientProbe {
  /** Absolute path of a program on PATH, or undefined. */
  which(program: string): string | undefined;
  /** macOS: whether an application bundle is installed ("Windows App"). */
  hasApp(name: string): boolean;
}
