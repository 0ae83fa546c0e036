import type { TrayMenu, TrayMenuItem } from '../../preload/contract';

/**
 * Turns the TrayMenu model (main/core/tray-menu.ts) into a native menu template. The shape is the
 * subset of Electron's MenuItemConstructorOptions we use, so tray.ts passes the result straight to
 * Menu.buildFromTemplate while this stays pure and unit-tested.
 */
export interface TrayTemplateItem {
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  id?: string;
  label?: string;
  sublabel?: string;
  toolTip?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
  submenu?: TrayTemplateItem[];
}

export interface TrayTemplateOptions {
  /** Runs a menu item by its model id. */
  activate(id: string): void;
  /**
   * macOS shows `sublabel` under the label; Linux and Windows ignore it, so the detail goes
   * inline there ("prod-db — 127.0.0.1:5432").
   */
  detailStyle: 'sublabel' | 'inline';
  /** Windows and Linux menus treat `&` as a mnemonic marker; instance names may contain one. */
  escapeAmpersands: boolean;
}

export function trayTemplateOptionsFor(platform: NodeJS.Platform, activate: (id: string) => void): TrayTemplateOptions {
  return {
    activate,
    detailStyle: platform === 'darwin' ? 'sublabel' : 'inline',
    escapeAmpersands: platform !== 'darwin',
  };
}

function toItem(item: TrayMenuItem, options: TrayTemplateOptions): TrayTemplateItem {
  const text = (value: string) => (options.escapeAmpersands ? value.replaceAll('&', '&&') : value);
  switch (item.kind) {
    case 'separator':
      return { type: 'separator', id: item.id };
    case 'header':
      return { type: 'normal', id: item.id, label: text(item.label), enabled: false };
    case 'submenu':
      return {
        type: 'submenu',
        id: item.id,
        label: text(item.label),
        enabled: item.enabled,
        submenu: (item.items ?? []).map((child) => toItem(child, options)),
      };
    case 'action': {
      const detail = item.detail ? text(item.detail) : undefined;
      const label = detail && options.detailStyle === 'inline' ? `${text(item.label)} — ${detail}` : text(item.label);
      return {
        type: item.checked === undefined ? 'normal' : 'checkbox',
        id: item.id,
        label,
        ...(detail && options.detailStyle === 'sublabel' ? { sublabel: detail } : {}),
        enabled: item.enabled,
        ...(item.checked === undefined ? {} : { checked: item.checked }),
        click: () => options.activate(item.id),
      };
    }
  }
}

export function trayTemplate(menu: TrayMenu, options: TrayTemplateOptions): TrayTemplateItem[] {
  return menu.items.map((item) => toItem(item, options));
}

/** What the Electron host itself does for a menu item the core did not handle. */
export type HostMenuAction = 'show-window' | 'quit' | 'none';

export function hostActionFor(id: string): HostMenuAction {
  if (id === 'app.open' || id === 'signin.start') return 'show-window';
  if (id === 'app.quit') return 'quit';
  return 'none';
}
