import { useSyncExternalStore } from 'react';
import type { CountdownItemInfo, CountdownsInfo } from '../../../../preload/contract';
import { api } from '../../api';

/**
 * The countdowns of every tab and tunnel, from main (countdowns.list, then countdowns.changed),
 * and a clock that ticks every TICK_MS so "closes in 12 min" counts down between events. Times
 * are main's: the offset between the two clocks is taken from each answer.
 */

const TICK_MS = 15_000;

export interface CountdownsView {
  byId: ReadonlyMap<string, CountdownItemInfo>;
  /** Now, on main's clock. */
  now: number;
}

let view: CountdownsView = { byId: new Map(), now: Date.now() };
let offset = 0;
const listeners = new Set<() => void>();
let started = false;
let timer: ReturnType<typeof setInterval> | undefined;
let stopEvents: (() => void) | undefined;

function publish(next: CountdownsView): void {
  view = next;
  listeners.forEach((l) => l());
}

function accept(info: CountdownsInfo): void {
  offset = info.now - Date.now();
  publish({ byId: new Map(info.items.map((i) => [i.id, i])), now: info.now });
}

function start(): void {
  if (started) return;
  started = true;
  stopEvents = api.on('countdowns.changed', accept);
  api.call('countdowns.list', undefined).then(accept, () => undefined);
  timer = setInterval(() => publish({ ...view, now: Date.now() + offset }), TICK_MS);
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    clearInterval(timer);
    stopEvents?.();
    timer = stopEvents = undefined;
    started = false;
  };
}

export function useCountdowns(): CountdownsView {
  return useSyncExternalStore(subscribe, () => view);
}

/** For code outside React (the notifications): every change of the countdowns. */
export function watchCountdowns(listener: (v: CountdownsView) => void): () => void {
  return subscribe(() => listener(view));
}
