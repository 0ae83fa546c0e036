import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App';
import { applyTheme, loadThemePreference } from './shell/theme';
import './styles.css';

applyTheme(loadThemePreference());
matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => applyTheme(loadThemePreference()));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
