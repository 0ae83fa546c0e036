/**
 * A value handed from one view to another that may not be mounted yet (the instance details open
 * the tunnel dialog or the Sessions view): kept until the receiving view mounts and takes it, with
 * an event for a view that is already mounted.
 */
export function viewHandoff<T>(name: string): { send(value: T): void; take(): T | null; on(listener: () => void): () => void } {
  const event = `bastionless:${name}`;
  let pending: T | null = null;
  return {
    send(value) {
      pending = value;
      window.dispatchEvent(new CustomEvent(event));
    },
    take() {
      const value = pending;
      pending = null;
      return value;
    },
    on(listener) {
      window.addEventListener(event, listener);
      return () => window.removeEventListener(event, listener);
    },
  };
}
