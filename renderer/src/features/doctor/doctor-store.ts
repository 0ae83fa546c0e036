import type { DoctorRun } from '../../../../preload/contract';
import { viewHandoff } from '../../shell/handoff';

/**
 * Opening the "Why can't I connect?" dialog from anywhere (an instance's menu, a failed tab, a
 * failed tunnel): the request and its title go to the one dialog host mounted by the app.
 */
export interface DoctorAsk {
  request: DoctorRun;
  /** What is being diagnosed, e.g. "prod-web-1 · shell". */
  subject: string;
}

const FEATURE_WORDS = { shell: 'shell', port: 'port forwarding', 'remote-port': 'port forwarding to a remote host', rdp: 'RDP' } as const;

/** "prod-web-1 · shell" */
export const doctorSubject = (name: string, feature: keyof typeof FEATURE_WORDS = 'shell'): string => `${name} · ${FEATURE_WORDS[feature]}`;

const ask = viewHandoff<DoctorAsk>('doctor');

export const openDoctor = (value: DoctorAsk): void => ask.send(value);
export const takeDoctorAsk = (): DoctorAsk | null => ask.take();
export const onDoctorAsk = (listener: () => void): (() => void) => ask.on(listener);
