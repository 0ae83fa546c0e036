/** Shapes shared by the shell service and the IPC contract (the contract re-declares them in zod). */
export interface TerminalSize {
  cols: number;
  rows: number;
}

export type ShellStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting'; attempt?: number }
  | { state: 'exited'; exitCode?: number; message: string; hint?: string }
  | { state: 'failed'; message: string; hint?: string };
