/**
 * Which URLs the window may show, which frames may call IPC, which links open in the browser and
 * which permission requests are granted. Pure (no electron import) so every rule is unit-tested;
 * main/electron/window.ts and ipc-bridge.ts only ask these questions.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'bastionless';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Hosts a link may open in the user's browser (https only). Sign-in pages of IAM Identity Center
 * and AWS: start URLs (*.awsapps.com, *.app.aws), the device-code verification page
 * (device.sso.<region>.amazonaws.com), the OIDC authorize endpoint (oidc.<region>.amazonaws.com)
 * and AWS sign-in; plus the AWS documentation pages we link to from error hints.
 */
const EXTERNAL_HOST_RULES: ReadonlyArray<(host: string) => boolean> = [
  (h) => h.endsWith('.awsapps.com'),
  (h) => /^[a-z0-9-]+\.portal\.[a-z0-9-]+\.app\.aws$/.test(h),
  (h) => h === 'identitycenter.amazonaws.com',
  (h) => /^device\.sso\.[a-z0-9-]+\.amazonaws\.com$/.test(h),
  (h) => /^oidc\.[a-z0-9-]+\.amazonaws\.com$/.test(h),
  (h) => h === 'signin.aws.amazon.com' || h.endsWith('.signin.aws.amazon.com'),
  (h) => h === 'docs.aws.amazon.com',
  // Session logs (CloudWatch, S3) open in the AWS console, which signs the user in itself.
  (h) => h === 'console.aws.amazon.com' || /^[a-z0-9-]+\.console\.aws\.amazon\.com$/.test(h),
];

export interface NavigationPolicyOptions {
  /** electron-vite's dev server (ELECTRON_RENDERER_URL); only set in unpackaged dev runs. */
  devServerUrl?: string;
  /** Extra https URL prefixes that may open externally (our own docs, e.g. package.json homepage). */
  docsUrlPrefixes?: readonly string[];
  /** Against the local emulator its sign-in page is http://127.0.0.1:<port>; allow loopback http then. */
  allowLoopbackHttp?: boolean;
}

/** What Electron tells us about the frame behind an IPC message. */
export interface SenderFrameInfo {
  url: string;
  /** senderFrame === senderFrame.top */
  isTopFrame: boolean;
}

export interface NavigationPolicy {
  /** URLs the window itself may load (our app:// pages; the dev server in dev runs). */
  isAppUrl(url: string): boolean;
  /** IPC is answered only for the top frame of our own page. */
  senderAllowed(frame: SenderFrameInfo | null): boolean;
  /** Links that may be handed to shell.openExternal. */
  externalUrlAllowed(url: string): boolean;
  /** Permission requests (clipboard, media, notifications…) from the page. */
  permissionAllowed(permission: string, requestingUrl: string): boolean;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

// Node's URL gives 'null' as the origin of non-special schemes like app://, so compare parts.
const originKey = (url: URL): string => `${url.protocol}//${url.host}`;

/** Only this is granted: xterm's copy writes sanitized text to the clipboard. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function createNavigationPolicy(options: NavigationPolicyOptions = {}): NavigationPolicy {
  const dev = options.devServerUrl ? parse(options.devServerUrl) : null;
  const trustedOrigins = new Set([APP_ORIGIN]);
  if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:')) trustedOrigins.add(originKey(dev));
  // A prefix ends at a path boundary: https://x.dev/docs must not admit https://x.dev/docs-evil.
  const docsPrefixes = (options.docsUrlPrefixes ?? [])
    .map(parse)
    .filter((url): url is URL => url !== null && url.protocol === 'https:')
    .map((url) => (url.href.endsWith('/') ? url.href : `${url.href}/`));

  const isAppUrl = (url: string): boolean => {
    const parsed = parse(url);
    return parsed !== null && parsed.username === '' && parsed.password === '' && trustedOrigins.has(originKey(parsed));
  };

  const externalUrlAllowed = (url: string): boolean => {
    const parsed = parse(url);
    if (!parsed || parsed.username !== '' || parsed.password !== '') return false;
    if (parsed.protocol === 'https:') {
      if (parsed.port !== '') return false;
      const host = parsed.hostname.toLowerCase();
      if (EXTERNAL_HOST_RULES.some((rule) => rule(host))) return true;
      return docsPrefixes.some((prefix) => parsed.href.startsWith(prefix) || `${parsed.href}/` === prefix);
    }
    if (parsed.protocol === 'http:' && options.allowLoopbackHttp) {
      return parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost';
    }
    return false;
  };

  return {
    isAppUrl,
    senderAllowed: (frame) => frame !== null && frame.isTopFrame && isAppUrl(frame.url),
    externalUrlAllowed,
    permissionAllowed: (permission, requestingUrl) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl),
  };
}
