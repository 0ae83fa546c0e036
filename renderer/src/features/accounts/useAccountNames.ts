import { useCallback, useEffect, useState } from 'react';
import type { InventoryDelta, ScanRow } from '../../../../preload/contract';
import { api } from '../../api';
import { useEvent } from '../../hooks/useApi';

/**
 * Account id → name, from the inventory's scan rows only (one per account-region), for views that
 * name accounts without holding the fleet (shell tabs, Settings). Unknown ids stay unnamed.
 */
export function useAccountNames(): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const merge = useCallback((rows: readonly ScanRow[], reset = false) => {
    setNames((prev) => {
      const next = new Map(reset ? [] : prev);
      for (const row of rows) if (row.accountName) next.set(row.accountId, row.accountName);
      return next.size === prev.size && [...next].every(([k, v]) => prev.get(k) === v) ? prev : next;
    });
  }, []);
  useEffect(() => {
    let live = true;
    api.call('inventory.snapshot', undefined).then(
      (snap) => live && merge(snap.rows),
      () => undefined, // the Instances view shows inventory errors; here a name is only a nicety
    );
    return () => {
      live = false;
    };
  }, [merge]);
  useEvent(
    'inventory.delta',
    useCallback((delta: InventoryDelta) => merge(delta.rows, delta.reset), [merge]),
  );
  return names;
}
