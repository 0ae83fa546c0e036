import type { BastionlessApi } from '../../preload/contract';
import { createWebBridge } from './bridge/web-bridge';

declare global {
  interface Window {
    bastionless?: BastionlessApi;
  }
}

export type ConnectionState = 'open' | 'closed';
const connectionListeners = new Set<(state: ConnectionState) => void>();

/**
 * The app's one handle on main. Electron's preload puts it on window before the page loads;
 * in a browser the web host serves the page and we connect back to it.
 */
function resolveApi(): BastionlessApi {
  if (window.bastionless) return window.bastionless;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`;
  const api = createWebBridge(url, (state) => connectionListeners.forEach((l) => l(state)));
  // The token has done its job (the host set a cookie); keep it out of history and screenshots.
  if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);
  window.bastionless = api;
  return api;
}

export const api: BastionlessApi = resolveApi();

export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}
