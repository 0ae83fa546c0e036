import { events, type EventName, type EventPayload } from '../../preload/contract';

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * Main → renderer notifications. Payloads are checked against the contract when emitted, so a
 * malformed event is a main-side bug found at its source.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].payload.parse(payload);
    for (const listener of this.listeners) listener(event, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
