import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { InstanceSummary } from '../../../../preload/contract';
import { haystack, matches, type Filters } from '../instances/model';
import { useInventory } from '../instances/useInventory';

/** Capped, not virtualised: the user narrows by typing, so 10 000 instances never render at once. */
const SHOWN = 50;
const NONE: ReadonlySet<string> = new Set();

/** ARIA combobox over the inventory: type a name, id, IP, tag or account; ↑/↓ then Enter chooses. */
export function InstancePicker({ onPick }: { onPick: (instance: InstanceSummary) => void }) {
  const { instances } = useInventory();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const indexed = useMemo(() => instances.map((i) => ({ i, hay: haystack(i) })), [instances]);
  const hits = useMemo(() => {
    const filters: Filters = { query, platform: 'all', status: 'all', favouritesOnly: false };
    const out: InstanceSummary[] = [];
    for (const { i, hay } of indexed) {
      if (matches(i, hay, filters, NONE)) out.push(i);
      if (out.length === SHOWN) break;
    }
    return out;
  }, [indexed, query]);

  const pick = (i: InstanceSummary) => {
    onPick(i);
    setQuery(i.name ? `${i.name} (${i.instanceId})` : i.instanceId);
    setOpen(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (hits.length ? (a + step + hits.length) % hits.length : 0));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      const chosen = hits[active];
      if (chosen) pick(chosen);
    } else if (e.key === 'Escape' && open) {
      // Close the list only; the dialog's own Escape must not fire as well.
      e.stopPropagation();
      setOpen(false);
    }
  };
  const optionId = (n: number) => `${listId}-opt-${n}`;

  return (
    <div className="tunnel-field tunnel-picker">
      <label htmlFor={`${listId}-input`}>Find instance</label>
      <input
        id={`${listId}-input`}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && hits[active] ? optionId(active) : undefined}
        placeholder={instances.length ? `Search ${instances.length} instances by name, id, IP, tag or account` : 'No instances listed yet: fill the fields below'}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        // A click on the already-focused input (after a pick) fires no focus event: reopen here too.
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul id={listId} role="listbox" aria-label="Instances" className="tunnel-picker-list">
          {hits.length === 0 && <li className="tunnel-picker-empty">No instance matches “{query}”.</li>}
          {hits.map((i, n) => (
            <li
              key={i.key}
              id={optionId(n)}
              role="option"
              aria-selected={n === active}
              className={n === active ? 'active' : undefined}
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(i);
              }}
            >
              <strong>{i.name ?? i.instanceId}</strong> <span>{i.instanceId} · {i.privateIp ?? '—'} · {i.accountName ?? i.accountId}/{i.region}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
