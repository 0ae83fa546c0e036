import { xmlEscape } from './http';

/**
 * The pages a person (or a Playwright test) sees while signing in: the device verification page
 * and the PKCE consent page. Plain HTML with inline styles, no scripts, so it works anywhere.
 */

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${xmlEscape(title)}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f4f7;color:#16191f;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:10px;box-shadow:0 2px 14px rgba(0,0,0,.12);padding:32px 40px;max-width:440px;width:100%}
h1{font-size:20px;margin:0 0 4px}.sub{color:#5f6b7a;font-size:13px;margin:0 0 24px}
.code{font:600 28px/1.2 ui-monospace,monospace;letter-spacing:4px;text-align:center;background:#f2f4f7;border-radius:6px;padding:12px;margin:12px 0 20px}
label{display:block;font-size:13px;color:#5f6b7a;margin-bottom:4px}select{width:100%;padding:8px;font-size:14px;margin-bottom:20px}
.row{display:flex;gap:12px}button{flex:1;font-size:15px;padding:10px;border-radius:20px;cursor:pointer;border:1px solid #0972d3}
#approve{background:#0972d3;color:#fff}#deny{background:#fff;color:#0972d3}
.done{font-size:15px}.err{color:#d91515}
</style></head><body><main>${body}</main></body></html>`;
}

function userSelect(users: readonly { username: string; displayName?: string | undefined }[]): string {
  if (users.length <= 1) return `<input type="hidden" name="username" value="${xmlEscape(users[0]?.username ?? '')}">`;
  const options = users.map((u) => `<option value="${xmlEscape(u.username)}">${xmlEscape(u.displayName ?? u.username)}</option>`).join('');
  return `<label for="username">Sign in as</label><select id="username" name="username">${options}</select>`;
}

export function devicePage(opts: { userCode: string; startUrl: string; users: readonly { username: string; displayName?: string | undefined }[] }): string {
  return layout(
    'Authorize request',
    `<h1>Authorize request</h1><p class="sub">Bastionless emulator · ${xmlEscape(opts.startUrl)}</p>
<p>Confirm this code matches the one shown by the application:</p>
<div class="code" id="user-code">${xmlEscape(opts.userCode)}</div>
<form method="post" action="/device">
<input type="hidden" name="user_code" value="${xmlEscape(opts.userCode)}">
${userSelect(opts.users)}
<div class="row"><button id="deny" name="decision" value="deny" type="submit">Deny</button>
<button id="approve" name="decision" value="approve" type="submit">Approve</button></div>
</form>`,
  );
}

export function deviceCodeEntryPage(error?: string): string {
  return layout(
    'Enter code',
    `<h1>Enter the code</h1><p class="sub">Bastionless emulator</p>
${error ? `<p class="err" id="error">${xmlEscape(error)}</p>` : ''}
<form method="get" action="/device"><label for="user_code">Code shown by the application</label>
<input id="user_code" name="user_code" style="width:100%;font-size:18px;padding:8px;margin-bottom:20px" autocomplete="off">
<div class="row"><button id="next" type="submit" style="background:#0972d3;color:#fff">Next</button></div></form>`,
  );
}

export function resultPage(title: string, message: string, ok: boolean): string {
  return layout(title, `<h1>${xmlEscape(title)}</h1><p class="${ok ? 'done' : 'done err'}" id="result">${xmlEscape(message)}</p>`);
}

export function consentPage(opts: { requestId: string; clientName: string; scopes: string[]; users: readonly { username: string; displayName?: string | undefined }[] }): string {
  return layout(
    'Allow access',
    `<h1>Allow ${xmlEscape(opts.clientName)} to access your data?</h1><p class="sub">Bastionless emulator · scopes: ${xmlEscape(opts.scopes.join(' ') || '(none)')}</p>
<form method="post" action="/authorize">
<input type="hidden" name="request_id" value="${xmlEscape(opts.requestId)}">
${userSelect(opts.users)}
<div class="row"><button id="deny" name="decision" value="deny" type="submit">Deny</button>
<button id="approve" name="decision" value="approve" type="submit">Allow access</button></div>
</form>`,
  );
}
