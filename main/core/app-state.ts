import { EventEmitter } from 'node:events';
import type { TrayState } from './tray-menu';

/**
 * The slice of app state the shell surfaces (tray, quick-connect) are drawn from. Features update
 * their part; listeners (Electron tray, web popover) redraw from the whole.
 */
export class AppStateStore {
  private state: TrayState = {
    signIn: { state: 'signed-out' },
    profiles: [],
    favouriteInstances: [],
    recentInstances: [],
    activeTunnels: [],
    endingSoon: [],
  };
  private readonly emitter = new EventEmitter();

  get(): TrayState {
    return this.state;
  }

  update(patch: Partial<TrayState>): void {
    this.state = { ...this.state, ...patch };
    this.emitter.emit('change', this.state);
  }

  onChange(listener: (state: TrayState) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
