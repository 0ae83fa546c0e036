/**
 * Reading AWS error answers: which errors mean "not allowed", and which IAM action and resource
 * a denial names. AWS writes denials as "User: ARN is not authorized to perform: ACTION on
 * resource: RESOURCE [because ...]"; EC2 often leaves the action out, so callers also know the
 * action of the call they made.
 */

export const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** AccessDeniedException (JSON services), UnauthorizedOperation (EC2), and their relatives. */
export function isAccessDenied(name: string): boolean {
  return /AccessDenied|UnauthorizedOperation|Forbidden/i.test(name);
}

export interface Denial {
  action?: string;
  resource?: string;
}

/** The action and resource a denial message names, when it names them. */
export function parseDenial(message: string): Denial {
  const action = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1];
  const resource = /on resource:?\s+(\S+?)(?:\s|$)/i.exec(message)?.[1];
  return { ...(action ? { action } : {}), ...(resource ? { resource } : {}) };
}
