import { viewHandoff } from '../../shell/handoff';

/**
 * The hand-off from the instance details ("Sessions on this instance") to the Sessions view: the
 * instance key is kept until the view mounts and takes it (it may not be mounted yet).
 */
const focus = viewHandoff<string>('sessions-focus');

export const showSessionsOf = (instanceKey: string): void => focus.send(instanceKey);
export const takeSessionsFocus = (): string | null => focus.take();
export const onSessionsFocus = (listener: () => void): (() => void) => focus.on(listener);
