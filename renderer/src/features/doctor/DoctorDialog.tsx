import { useCallback, useEffect, useRef, useState } from 'react';
import { useModalFocus } from '../../hooks/useModalFocus';
import { DoctorReportView } from './DoctorReportView';
import { onDoctorAsk, takeDoctorAsk, type DoctorAsk } from './doctor-store';

/** The one "Why can't I connect?" dialog, opened through openDoctor(); Escape or Close returns focus where it was. */
export function DoctorDialogHost() {
  const [ask, setAsk] = useState<DoctorAsk | null>(() => takeDoctorAsk());
  useEffect(() => onDoctorAsk(() => setAsk(takeDoctorAsk())), []);
  const close = useCallback(() => setAsk(null), []);
  return ask ? <DoctorDialog key={JSON.stringify(ask)} ask={ask} onClose={close} /> : null;
}

function DoctorDialog({ ask, onClose }: { ask: DoctorAsk; onClose: () => void }) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const trapTab = useModalFocus(dialogRef, closeRef);
  useEffect(() => {
    // On the window: a button that disables itself while the doctor runs drops the focus to the page.
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="palette-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialogRef} className="error-details doctor-dialog" role="dialog" aria-modal="true" aria-labelledby="doctor-title" onKeyDown={trapTab}>
        <div className="doctor-dialog-head">
          <h2 id="doctor-title">Why can&apos;t I connect?</h2>
          <button ref={closeRef} type="button" className="button small" onClick={onClose}>
            Close
          </button>
        </div>
        <p className="muted doctor-subject">{ask.subject}</p>
        <DoctorReportView request={ask.request} />
      </div>
    </div>
  );
}
