import type { IpcError } from '../../../preload/contract';

/** An error shown in place, with what to do about it. */
export function ErrorNotice({ error, onRetry }: { error: IpcError; onRetry?: () => void }) {
  return (
    <div className="error-notice" role="alert" data-code={error.code}>
      <div className="error-message">{error.message}</div>
      {error.hint && <div className="error-hint">{error.hint}</div>}
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
