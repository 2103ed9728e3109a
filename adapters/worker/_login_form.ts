// The Worker's /login page: a form for the admin secret, because a browser cannot send an
// Authorization header from a link, and the pending-login cookie must land in that browser.

import { escapeHTML } from "../_shared/pages.ts";

/**
 * The form; `message` explains a failed attempt.
 * @example
 * ```ts
 * return new Response(loginFormPage("Wrong admin secret."), { status: 401 });
 * ```
 */
export function loginFormPage(message?: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>tdauth — log in</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 30rem; padding: 0 1rem; color: #111; }
input, button { font: inherit; padding: .4rem; } button { background: #1d4ed8; color: #fff; border: 0; border-radius: 4px; padding: .4rem .9rem; }</style></head>
<body><main>
<h1>Log in to the brokerage</h1>
${message ? `<p role="alert">${escapeHTML(message)}</p>` : ""}
<form method="post" action="/login">
  <label for="secret">Admin secret</label><br>
  <input id="secret" name="secret" type="password" autocomplete="current-password" required>
  <button type="submit">Continue to the login</button>
</form>
</main></body>
</html>`;
}
