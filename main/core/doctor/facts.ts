import type { DoctorFeature, DoctorTarget } from '../../../preload/contract/doctor';

/**
 * What the doctor learned about a target before judging it: the answer (or the error) of each
 * read API it asked, as plain data. probe.ts gathers these; checks.ts judges them without I/O,
 * so every verdict can be tested from a literal.
 */

/** An AWS error as the doctor keeps it: the error name, its message, and the IAM action of the call that got it. */
export interface AwsFailure {
  name: string;
  message: string;
  action: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AwsFailure };

export interface NodeInfo {
  pingStatus: string;
  /** Epoch ms. */
  lastPingAt?: number;
  agentVersion?: string;
  isLatestVersion?: boolean;
  platform: 'Linux' | 'Windows' | 'MacOS' | 'Unknown';
  platformName?: string;
}

export interface Ec2Info {
  state?: string;
  platform: 'Windows' | 'Linux/UNIX';
}

export interface DocumentInfo {
  sessionType?: string;
  /** Platforms a commands document has commands for (linux, windows, macos); undefined = not platform-specific. */
  platforms?: string[];
}

export interface SignInFact {
  kind: 'sso' | 'profile';
  label: string;
  state: 'signed-in' | 'signed-out' | 'signing-in' | 'expired' | 'error';
  error?: { code: string; message: string; hint?: string };
}

export interface DoctorFacts {
  target: DoctorTarget;
  feature: DoctorFeature;
  documentName: string;
  now: number;
  signIn: SignInFact;
  /** Role credentials for the target; absent when the sign-in itself is not valid. */
  credentials?: { ok: true; expiresAt?: number } | { ok: false; error: { code: string; message: string; hint?: string } };
  /** DescribeInstanceInformation for the instance; value null = not listed (not a managed node). */
  node?: Outcome<NodeInfo | null>;
  /** EC2 DescribeInstances; value null = EC2 does not know the id. Absent for hybrid (mi-) nodes. */
  ec2?: Outcome<Ec2Info | null>;
  /** The account's Session Manager preferences (SSM-SessionManagerRunShell). */
  preferences?: Outcome<{ kmsKeyId?: string }>;
  /** The requested document. */
  document?: Outcome<DocumentInfo>;
  /** kms:GenerateDataKey with DryRun on the preferences' key; absent when no key is required. */
  kms?: Outcome<'allowed'>;
  /** Present only when a session was actually started (the user tried to connect). */
  startSession?: { ok: true } | { ok: false; error: AwsFailure };
}
