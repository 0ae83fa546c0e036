import type { ShellTab } from '../../../main/core/shells/shell-tab';
import type { ShellStatus } from '../../../main/core/shells/types';

/** Collects what a tab shows and lets a test wait for text or a status, event-driven. */
export function watch(tab: ShellTab) {
  let text = '';
  const statuses: ShellStatus[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  tab.attachOutput(async (chunk) => {
    text += Buffer.from(chunk).toString('utf8');
    wake();
  });
  tab.on('status', (s) => {
    statuses.push(s);
    wake();
  });
  const until = (check: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; screen so far:\n${text}`)), 30_000);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  return {
    text: () => text,
    statuses,
    waitForText: (needle: string | RegExp, from = 0) =>
      until(() => (typeof needle === 'string' ? text.indexOf(needle, from) >= 0 : needle.test(text.slice(from))), String(needle)),
    waitForState: (state: ShellStatus['state']) => until(() => tab.status.state === state, `state ${state}`),
    waitForStatus: (state: ShellStatus['state']) => until(() => statuses.some((s) => s.state === state), `status ${state}`),
  };
}
