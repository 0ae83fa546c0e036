import type { LaunchResult } from '../../../../preload/contract';
import { CopyButton } from '../../shell/CopyButton';

const COPY_LABEL = { Command: 'Copy command', URI: 'Copy URI', Details: 'Copy details' } as const;

/** What "Open client" / "Connect" did; when no client started, everything needed to connect by hand. */
export function LaunchNotice({ result, onDismiss }: { result: LaunchResult; onDismiss: () => void }) {
  return (
    <div className={`tunnel-notice${result.launched ? '' : ' manual'}`} role="status" data-testid="launch-notice">
      <div className="tunnel-notice-head">
        <span>{result.message}</span>
        <button type="button" className="button small" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      </div>
      {result.hint && <div className="muted">{result.hint}</div>}
      {result.details && <pre className="tunnel-details">{result.details}</pre>}
      {result.copies && result.copies.length > 0 && (
        <div className="tunnel-copies" role="group" aria-label="Connect by hand">
          {result.copies.map((c) => (
            <span key={c.label} title={c.text}>
              <CopyButton text={c.text} label={COPY_LABEL[c.label]} />
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
