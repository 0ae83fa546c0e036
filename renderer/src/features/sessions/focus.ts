/**
 * The hand-off from the instance details ("Sessions on this instance") to the Sessions view: the
 * instance key is kept until the view mounts and takes it (it may not be mounted yet).
 */
const EVENT = 'bastionless:sessions-focus';
let pending: string | null = null;

export function showSessionsOf(instanceKey: string): void {
  pending = instanceKey;
  window.dispatchEvent(new CustomEvent(EVENT));
}

export function takeSessionsFocus(): string | null {
  const key = pending;
  pending = null;
  return key;
}

export function onSessionsFocus(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
