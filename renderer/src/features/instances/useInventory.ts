import { useCallback, useEffect, useMemo, useState } from 'react';
import type { InstanceSummary, InventoryDelta, InventoryProgress, IpcError, ScanRow } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError, useEvent } from '../../hooks/useApi';

export interface InventoryView {
  instances: InstanceSummary[];
  rows: ScanRow[];
  progress: InventoryProgress | undefined;
  error: IpcError | undefined;
}

interface Held {
  instances: Map<string, InstanceSummary>;
  rows: Map<string, ScanRow>;
  progress: InventoryProgress | undefined;
}

/** The inventory as main has it: the snapshot once, then deltas merged as pages land. */
export function useInventory(): InventoryView {
  const [held, setHeld] = useState<Held>({ instances: new Map(), rows: new Map(), progress: undefined });
  const [error, setError] = useState<IpcError>();
  useEffect(() => {
    let live = true;
    api.call('inventory.snapshot', undefined).then(
      (snap) => {
        if (!live) return;
        setHeld((prev) => {
          // Deltas that arrived before the snapshot answered are newer: keep them on top.
          const instances = new Map(snap.instances.map((i) => [i.key, i]));
          for (const [k, v] of prev.instances) instances.set(k, v);
          const rows = new Map(snap.rows.map((r) => [r.id, r]));
          for (const [k, v] of prev.rows) rows.set(k, v);
          return { instances, rows, progress: prev.progress ?? snap.progress };
        });
      },
      (err: unknown) => live && setError(toIpcError(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  useEvent(
    'inventory.delta',
    useCallback((delta: InventoryDelta) => {
      setHeld((prev) => {
        const instances = delta.reset ? new Map<string, InstanceSummary>() : new Map(prev.instances);
        const rows = delta.reset ? new Map<string, ScanRow>() : new Map(prev.rows);
        for (const key of delta.remove) instances.delete(key);
        for (const i of delta.upsert) instances.set(i.key, i);
        for (const r of delta.rows) rows.set(r.id, r);
        return { instances, rows, progress: delta.progress };
      });
    }, []),
  );
  const instances = useMemo(() => [...held.instances.values()], [held.instances]);
  const rows = useMemo(() => [...held.rows.values()], [held.rows]);
  return { instances, rows, progress: held.progress, error };
}
