import { z } from 'zod';
import { event, noArg, request } from './define';

export const TransportSchema = z.enum(['electron', 'web']);

export const AppInfoSchema = z.object({
  name: z.literal('Bastionless'),
  version: z.string(),
  platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  transport: TransportSchema,
  /** True when the endpoints point at the embedded emulator rather than AWS. */
  emulator: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/**
 * The tray / quick-connect menu as data. Electron renders it as the tray's context menu; the
 * web host renders the very same model as a popover, so the model is what the tests check.
 */
export interface TrayMenuItem {
  id: string;
  label: string;
  kind: 'action' | 'header' | 'separator' | 'submenu';
  enabled: boolean;
  checked?: boolean;
  /** Free-form detail, e.g. "127.0.0.1:53389" for an active tunnel. */
  detail?: string;
  items?: TrayMenuItem[];
}
export const TrayMenuItemSchema: z.ZodType<TrayMenuItem> = z.lazy(() =>
  z.object({
    id: z.string(),
    label: z.string(),
    kind: z.enum(['action', 'header', 'separator', 'submenu']),
    enabled: z.boolean(),
    checked: z.boolean().optional(),
    detail: z.string().optional(),
    items: z.array(TrayMenuItemSchema).optional(),
  }),
);
export const TrayMenuSchema = z.object({ tooltip: z.string(), items: z.array(TrayMenuItemSchema) });
export type TrayMenu = z.infer<typeof TrayMenuSchema>;

export const appChannels = {
  'app.info': request(noArg, AppInfoSchema),
  /** Round trip through the whole contract; used by the health check and the tests. */
  'app.echo': request(z.object({ text: z.string().max(10_000) }).strict(), z.object({ text: z.string(), at: z.number() })),
  'tray.menu': request(noArg, TrayMenuSchema),
  'tray.activate': request(z.object({ id: z.string().min(1).max(200) }).strict(), z.object({ handled: z.boolean() })),
} as const;

export const appEvents = {
  /** The tray model changed (sign-in, tunnels, recents); renderers showing it re-render. */
  'tray.changed': event(TrayMenuSchema),
  /** Main asks the renderer to show something (e.g. the tray's "Open Bastionless"). */
  'app.navigate': event(z.object({ view: z.enum(['instances', 'terminals', 'tunnels', 'settings', 'login']), tabId: z.string().min(1).max(200).optional() })),
  /** Main asks the window to open a shell tab, as a double-click would (tray "recent instances"). */
  'app.openShell': event(z.object({ instanceKey: z.string().min(1).max(400) })),
} as const;
