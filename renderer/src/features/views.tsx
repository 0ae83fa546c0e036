import type { ComponentType } from 'react';
import { InstancesView } from './instances/InstancesView';
import { TerminalsView } from './terminals/TerminalsView';
import { TunnelsView } from './tunnels/TunnelsView';
import { SessionsView } from './sessions/SessionsView';
import { SettingsView } from './settings/SettingsView';

export type ViewId = 'instances' | 'terminals' | 'tunnels' | 'sessions' | 'settings';

/** The app's top-level views; each feature owns its folder and its one line here. */
export const views: ReadonlyArray<{ id: ViewId; label: string; component: ComponentType }> = [
  { id: 'instances', label: 'Instances', component: InstancesView },
  { id: 'terminals', label: 'Terminals', component: TerminalsView },
  { id: 'tunnels', label: 'Tunnels', component: TunnelsView },
  { id: 'sessions', label: 'Sessions', component: SessionsView },
  { id: 'settings', label: 'Settings', component: SettingsView },
];
