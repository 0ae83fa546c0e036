import './doctor.css';
import { useCallback, useEffect, useState } from 'react';
import type { DoctorReport, DoctorRun, DoctorStatus, IpcError } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../ipc-error';
import { CopyButton } from '../../shell/CopyButton';
import { ErrorNotice } from '../../shell/ErrorNotice';

/**
 * The doctor's answer for one request: the first problem in one sentence with its fix (or "no
 * problem"), then every check in order. Read-only until the user presses "Try connecting",
 * the only button that opens (and at once ends) a session.
 */

const STATUS_LABEL: Record<DoctorStatus, string> = { pass: 'OK', warn: 'Warning', fail: 'Problem', skip: 'Not checked' };
const STATUS_MARK: Record<DoctorStatus, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–' };

export function reportText(report: DoctorReport): string {
  const head = report.problem ? `Problem: ${report.problem.sentence}\nFix: ${report.problem.fix}` : 'No problem found.';
  const lines = report.checks.map((c) => `${STATUS_LABEL[c.status]} · ${c.title}: ${c.summary}${c.fix && c.status !== 'pass' ? `\n    ${c.fix}` : ''}`);
  return `${report.target.name ?? report.target.instanceId} (${report.target.instanceId}, ${report.target.accountId}, ${report.target.region}, role ${report.target.roleName}) · ${report.feature} · ${report.documentName}\n${head}\n\n${lines.join('\n')}`;
}

export function DoctorReportView({ request }: { request: DoctorRun }) {
  const [report, setReport] = useState<DoctorReport>();
  const [error, setError] = useState<IpcError>();
  const [running, setRunning] = useState<'check' | 'connect' | null>('check');
  const requestKey = JSON.stringify(request);

  const run = useCallback(
    (connect: boolean) => {
      setRunning(connect ? 'connect' : 'check');
      setError(undefined);
      api.call('doctor.run', { ...(JSON.parse(requestKey) as DoctorRun), connect }).then(
        (r) => (setReport(r), setRunning(null)),
        (err: unknown) => (setError(toIpcError(err)), setRunning(null)),
      );
    },
    [requestKey],
  );
  useEffect(() => run(false), [run]);

  return (
    <div className="doctor" data-testid="doctor" aria-busy={running !== null}>
      {running && (
        <p className="muted" role="status">
          {running === 'connect' ? 'Starting a test session…' : 'Checking…'}
        </p>
      )}
      {error && <ErrorNotice error={error} onRetry={() => run(false)} />}
      {report && !running && (
        <>
          {report.problem ? (
            <div className="doctor-verdict bad" role="alert" data-testid="doctor-problem" data-check={report.problem.check}>
              <p className="doctor-sentence">{report.problem.sentence}</p>
              <p className="doctor-fix">
                <strong>Fix: </strong>
                {report.problem.fix}
              </p>
            </div>
          ) : (
            <div className="doctor-verdict ok" role="status" data-testid="doctor-ok">
              <p className="doctor-sentence">No problem found{report.checks.some((c) => c.id === 'start-session' && c.status === 'skip') ? ' by the read-only checks. Try connecting to hear StartSession itself.' : '.'}</p>
            </div>
          )}
          <ol className="doctor-checks" aria-label="Checks, in order">
            {report.checks.map((c) => (
              <li key={c.id} className={`doctor-check status-${c.status}`} data-check={c.id} data-status={c.status}>
                <span className="doctor-mark" aria-hidden="true">
                  {STATUS_MARK[c.status]}
                </span>
                <span className="doctor-check-title">
                  {c.title}
                  <span className="visually-hidden">: {STATUS_LABEL[c.status]}</span>
                </span>
                <span className="doctor-summary">
                  {c.summary}
                  {c.status === 'warn' && c.fix && <span className="doctor-check-fix">{c.fix}</span>}
                  {c.source && <span className="doctor-source muted">Source: {c.source}</span>}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
      <div className="doctor-actions">
        <button type="button" className="button small" disabled={running !== null} onClick={() => run(false)}>
          Check again
        </button>
        <button type="button" className="button small" disabled={running !== null} onClick={() => run(true)} title="Starts a session with the same document, then ends it at once">
          Try connecting
        </button>
        {report && <CopyButton text={reportText(report)} label="Copy report" />}
      </div>
    </div>
  );
}
