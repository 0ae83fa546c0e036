import type { ITheme } from '@xterm/xterm';

/** Terminal palettes matching the app's dark and light themes (ANSI colours readable on each). */
export const darkTheme: ITheme = {
  background: '#0b0f14',
  foreground: '#d6dee6',
  cursor: '#7cc0ff',
  cursorAccent: '#0b0f14',
  selectionBackground: '#2b4a6b',
  black: '#1c252e', red: '#f47067', green: '#57c271', yellow: '#d8b34a', blue: '#539bf5', magenta: '#c08ff0', cyan: '#4dc3cf', white: '#c9d1d9',
  brightBlack: '#636e7b', brightRed: '#ff938a', brightGreen: '#7ee08f', brightYellow: '#eac55f', brightBlue: '#7ab8ff', brightMagenta: '#dcbdfb', brightCyan: '#76e3ea', brightWhite: '#f0f6fc',
};

export const lightTheme: ITheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#0969da',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d7ff',
  black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#7d4e00', blue: '#0969da', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781',
  brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#633c01', brightBlue: '#218bff', brightMagenta: '#a475f9', brightCyan: '#3192aa', brightWhite: '#8c959f',
};

export const currentTheme = (): ITheme => (document.documentElement.dataset.theme === 'light' ? lightTheme : darkTheme);
