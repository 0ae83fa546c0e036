import { describe, expect, it, vi } from 'vitest';
import { buildTrayMenu, type TrayState } from '../../../main/core/tray-menu';
import { hostActionFor, trayTemplate, trayTemplateOptionsFor, type TrayTemplateItem } from '../../../main/electron/tray-template';

const state: TrayState = {
  signIn: { state: 'signed-in', label: 'ada@example.com' },
  profiles: [{ id: 'p1', name: 'R&D desktop', kind: 'rdp', pinned: true }],
  favouriteInstances: [],
  recentInstances: [],
  activeTunnels: [{ id: 't1', name: 'prod-db', localAddress: '127.0.0.1:5432', state: 'listening' }],
  endingSoon: [],
};

const find = (items: TrayTemplateItem[], id: string): TrayTemplateItem | undefined => {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu ? find(item.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
};

describe('tray template', () => {
  it('maps every model row to a native row, in order', () => {
    const menu = buildTrayMenu(state);
    const template = trayTemplate(menu, trayTemplateOptionsFor('linux', () => {}));
    expect(template.map((item) => item.id)).toEqual(menu.items.map((item) => item.id));
    expect(template.filter((item) => item.type === 'separator')).toHaveLength(menu.items.filter((i) => i.kind === 'separator').length);
    const header = find(template, 'section.pinned');
    expect(header).toMatchObject({ label: 'Pinned', enabled: false });
    expect(header?.click).toBeUndefined();
  });

  it('puts the detail inline on Linux/Windows and escapes ampersands there', () => {
    const template = trayTemplate(buildTrayMenu(state), trayTemplateOptionsFor('win32', () => {}));
    expect(find(template, 'profile.start:p1')).toMatchObject({ label: 'R&&D desktop — RDP', enabled: true });
    expect(find(template, 'profile.start:p1')?.sublabel).toBeUndefined();
    expect(find(template, 'tunnel.stop:t1')?.label).toBe('Stop prod-db — 127.0.0.1:5432 · listening');
  });

  it('uses sublabels and literal ampersands on macOS', () => {
    const template = trayTemplate(buildTrayMenu(state), trayTemplateOptionsFor('darwin', () => {}));
    expect(find(template, 'profile.start:p1')).toMatchObject({ label: 'R&D desktop', sublabel: 'RDP' });
  });

  it('clicks activate the model id, including rows inside More…', () => {
    const activate = vi.fn<(id: string) => void>();
    const crowded: TrayState = {
      ...state,
      recentInstances: Array.from({ length: 20 }, (_, i) => ({ key: `i-${i}`, label: `web-${i}`, detail: 'prod · eu-west-1' })),
    };
    const template = trayTemplate(buildTrayMenu(crowded), trayTemplateOptionsFor('linux', activate));
    const more = find(template, 'more');
    expect(more?.type).toBe('submenu');
    expect(more?.submenu?.length).toBeGreaterThan(0);
    more?.submenu?.at(-1)?.click?.();
    find(template, 'app.quit')?.click?.();
    expect(activate.mock.calls).toEqual([['tunnel.stop:t1'], ['app.quit']]);
  });

  it('keeps disabled status rows disabled and renders checkboxes', () => {
    const template = trayTemplate(
      {
        tooltip: 't',
        items: [
          { id: 'signin.status', label: 'Signing in…', kind: 'action', enabled: false },
          { id: 'opt', label: 'Start at login', kind: 'action', enabled: true, checked: true },
        ],
      },
      trayTemplateOptionsFor('linux', () => {}),
    );
    expect(template[0]).toMatchObject({ type: 'normal', enabled: false });
    expect(template[1]).toMatchObject({ type: 'checkbox', checked: true });
  });

  it('leaves showing the window and quitting to the host', () => {
    expect(hostActionFor('app.open')).toBe('show-window');
    expect(hostActionFor('signin.start')).toBe('show-window');
    expect(hostActionFor('app.quit')).toBe('quit');
    expect(hostActionFor('profile.start:p1')).toBe('none');
  });
});
