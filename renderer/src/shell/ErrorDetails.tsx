import { useRef } from 'react';
import type { IpcError } from '../../../preload/contract';
import { useModalFocus } from '../hooks/useModalFocus';
import { CopyButton } from './CopyButton';

/** The whole story behind a short error: what it means, what to do, and the service's own words (copyable for a ticket). */
export function ErrorDetails({ title, error, facts, onClose }: { title: string; error: IpcError; facts?: [string, string][]; onClose: () => void }) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const trapTab = useModalFocus(dialogRef, closeRef);
  const text = [error.message, error.hint, ...(facts ?? []).map(([k, v]) => `${k}: ${v}`), error.detail].filter(Boolean).join('\n');
  return (
    <div className="palette-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div ref={dialogRef} className="error-details" role="dialog" aria-modal="true" aria-labelledby="error-details-title" onKeyDown={trapTab}>
        <h2 id="error-details-title">{title}</h2>
        <p className="error-message">{error.message}</p>
        {error.hint && <p>{error.hint}</p>}
        {facts && facts.length > 0 && (
          <dl>
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt className="muted">{k}</dt>
                <dd className="mono">{v}</dd>
              </div>
            ))}
          </dl>
        )}
        {error.detail && (
          <>
            <h3 className="muted small">What AWS said</h3>
            <pre className="mono error-detail-text" data-testid="error-detail-text">{error.detail}</pre>
          </>
        )}
        <div className="error-details-actions">
          <CopyButton text={text} label="Copy details" />
          <button ref={closeRef} type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
