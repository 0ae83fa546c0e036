import type { CountdownItemInfo } from '../../../../preload/contract';
import { badgeText, describeCut } from '../../../../preload/contract';
import './countdowns.css';

/** A tab's badge once its warning time has come: "4 min" (the full sentence for screen readers). */
export function CountdownBadge({ item, now }: { item: CountdownItemInfo | undefined; now: number }) {
  const cut = item?.warning;
  if (!cut) return null;
  return (
    <span className={`countdown-badge cause-${cut.cause}`} data-testid="countdown-badge" role="img" aria-label={describeCut(cut, now, item?.kind)} title={describeCut(cut, now, item?.kind)}>
      {badgeText(cut, now)}
    </span>
  );
}
