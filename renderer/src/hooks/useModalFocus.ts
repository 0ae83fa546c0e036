import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog's keyboard contract: focus moves into it when it opens (to `initial`, else its
 * first control), Tab and Shift+Tab stay inside, and focus returns to the opener when it closes.
 * Returns the dialog's keydown handler for the Tab wrap.
 */
export function useModalFocus(dialog: RefObject<HTMLElement | null>, initial?: RefObject<HTMLElement | null>): (e: KeyboardEvent) => void {
  const opener = useRef<HTMLElement | undefined>(undefined);
  useEffect(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    (initial?.current ?? dialog.current?.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    return () => {
      if (opener.current?.isConnected) opener.current.focus();
    };
    // Once per opening: later renders must not pull the focus back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (e) => {
    if (e.key !== 'Tab' || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}
