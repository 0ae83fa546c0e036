export { ShellService, describeTab } from './service';
export type { ShellServiceDeps, OpenShellRequest, ShellTabInfo } from './service';
export { ShellTab } from './shell-tab';
export type { ShellTabDeps } from './shell-tab';
export { TabStore } from './tab-store';
export { ExitStatusFilter, EXIT_PROBE_LINE } from './exit-status';
export { OutputQueue } from './output-queue';
export type { ShellStatus, TerminalSize } from './types';
