import { Menu, nativeImage, nativeTheme, Tray, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { TrayMenu } from '../../preload/contract';
import { trayTemplate, trayTemplateOptionsFor } from './tray-template';

/**
 * The tray icon and its menu, redrawn from the TrayMenu model every time it changes (Linux
 * needs setContextMenu again after any change, so the whole menu is rebuilt).
 */

export interface AppTray {
  update(menu: TrayMenu): void;
  destroy(): void;
}

function trayImage(assetsDir: string): NativeImage {
  if (process.platform === 'darwin') {
    // Template images are recoloured by macOS for light/dark menu bars; @2x is picked up by name.
    const image = nativeImage.createFromPath(join(assetsDir, 'tray', 'iconTemplate.png'));
    image.setTemplateImage(true);
    return image;
  }
  // A light mark on dark panels, a dark one on light panels.
  const variant = nativeTheme.shouldUseDarkColors ? 'tray-light' : 'tray-dark';
  const size = process.platform === 'win32' ? '' : '@2x';
  return nativeImage.createFromPath(join(assetsDir, 'tray', `${variant}${size}.png`));
}

export function createAppTray(assetsDir: string, initial: TrayMenu, activate: (id: string) => void): AppTray {
  const tray = new Tray(trayImage(assetsDir));
  const options = trayTemplateOptionsFor(process.platform, activate);
  const render = (menu: TrayMenu) => {
    tray.setToolTip(menu.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(trayTemplate(menu, options)));
  };
  render(initial);
  // Windows and some Linux desktops only pop the menu on right-click; a left click opens the app.
  tray.on('click', () => {
    if (process.platform !== 'darwin') activate('app.open');
  });
  const onTheme = () => tray.setImage(trayImage(assetsDir));
  nativeTheme.on('updated', onTheme);
  return {
    update: render,
    destroy() {
      nativeTheme.off('updated', onTheme);
      tray.destroy();
    },
  };
}
