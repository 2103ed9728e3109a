// The callback pages of the Hono app and the Worker: status, success and error. Plain HTML that
// works without JavaScript; a small script only animates the countdowns. No secret is rendered.

import type { SessionStatus } from "../../core/session_types.ts";
import { printable } from "./text.ts";

/**
 * Escapes text for HTML content and attribute values, without its control characters (a
 * provider's error_description may carry terminal escapes or bidi overrides).
 * @example
 * ```ts
 * escapeHTML('<b title="x">'); // "&#60;b title=&#34;x&#34;&#62;"
 * ```
 */
export function escapeHTML(text: string): string {
  return printable(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; padding: 0 1rem; color: #111; background: #fff; }
  h1 { font-size: 1.5rem; } dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; } .state { font-weight: 700; } .warn { color: #7a2e00; background: #fff4e5; padding: .5rem; border-left: 4px solid #b45309; }
  form { display: inline; } button, a.button { font: inherit; padding: .4rem .9rem; margin: .25rem .5rem .25rem 0; border: 1px solid #1d4ed8;
  background: #1d4ed8; color: #fff; border-radius: 4px; text-decoration: none; display: inline-block; cursor: pointer; }
  button.secondary { background: #fff; color: #1d4ed8; } .note { color: #374151; font-size: .95rem; }
`;

function page(title: string, body: string, nonce: string, script = ""): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main>${script ? `<script nonce="${nonce}">${script}</script>` : ""}</body>
</html>`;
}

function relative(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const [n, unit] = abs >= 86_400_000
    ? [Math.floor(abs / 86_400_000), "day"]
    : abs >= 3_600_000
    ? [Math.floor(abs / 3_600_000), "hour"]
    : abs >= 60_000
    ? [Math.floor(abs / 60_000), "minute"]
    : [Math.floor(abs / 1000), "second"];
  const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

function when(ms: number | undefined, now: number): string {
  if (ms === undefined) return "unknown";
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}" data-expires="${ms}">${iso.replace("T", " ").slice(0, 19)} UTC (<span class="left">${
    relative(ms, now)
  }</span>)</time>`;
}

const COUNTDOWN = `
  const fmt = (d) => { const a = Math.abs(d), s = Math.floor(a / 1000);
    const t = s >= 86400 ? Math.floor(s / 86400) + " d " + Math.floor(s % 86400 / 3600) + " h" : s >= 3600 ? Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min" : Math.floor(s / 60) + " min " + (s % 60) + " s";
    return d >= 0 ? "in " + t : t + " ago"; };
  const tick = () => document.querySelectorAll("time[data-expires]").forEach((el) => { el.querySelector(".left").textContent = fmt(Number(el.dataset.expires) - Date.now()); });
  tick(); setInterval(tick, 1000);`;

/**
 * What the status page shows.
 * @example
 * ```ts
 * const view: StatusView = { status, providerName: "Charles Schwab", now: Date.now(), runToken, nonce };
 * ```
 */
export interface StatusView {
  status: SessionStatus;
  providerName: string;
  now: number;
  /** The per-run token the POST forms carry. */
  runToken: string;
  nonce: string;
  message?: string;
}

/**
 * The status page: state, both expiries with a live countdown, the Schwab 7-day deadline, and
 * buttons to log in, refresh and shut down.
 * @example
 * ```ts
 * c.html(statusPage({ status: await session.status(), providerName, now: Date.now(), runToken, nonce }));
 * ```
 */
export function statusPage(view: StatusView): string {
  const { status, now } = view;
  const token = escapeHTML(view.runToken);
  const schwab = status.provider === "schwab" && status.refreshExpiresAt !== undefined
    ? `<p class="note">Schwab ends every session 7 days after the login: log in again before ${when(status.refreshExpiresAt, now)}.</p>`
    : "";
  const warn = status.reloginDue
    ? `<p class="warn" role="alert">A re-login is due: the refresh token dies ${when(status.reloginBy, now)}. Log in again before then.</p>`
    : "";
  const reason = status.reason ? `<p class="warn" role="alert">Expired: ${escapeHTML(status.reason)}. Log in again.</p>` : "";
  const message = view.message ? `<p role="status">${escapeHTML(view.message)}</p>` : "";
  return page(
    "tdauth — session status",
    `
<h1>tdauth session</h1>
${message}${warn}${reason}
<dl>
  <dt>State</dt><dd class="state" id="state">${escapeHTML(status.state)}</dd>
  <dt>Provider</dt><dd>${escapeHTML(view.providerName)}</dd>
  <dt>App key</dt><dd>${escapeHTML(status.clientId)}</dd>
  <dt>Access token expires</dt><dd id="access-expires">${when(status.accessExpiresAt, now)}</dd>
  <dt>Refresh token expires</dt><dd id="refresh-expires">${when(status.refreshExpiresAt, now)}</dd>
</dl>
${schwab}
<div class="actions">
  <a class="button" href="/login">Log in</a>
  <form method="post" action="/login/refresh"><input type="hidden" name="token" value="${token}"><button type="submit" class="secondary">Refresh now</button></form>
  <form method="post" action="/shutdown"><input type="hidden" name="token" value="${token}"><button type="submit" class="secondary">Shut down server</button></form>
</div>`,
    view.nonce,
    COUNTDOWN,
  );
}

/**
 * After a successful callback. Explains the certificate warning on https; `next` says what
 * happens now (by default: back to the terminal that started the login).
 * @example
 * ```ts
 * c.html(successPage(status, "Charles Schwab", true, Date.now(), nonce));
 * ```
 */
export function successPage(
  status: SessionStatus,
  providerName: string,
  https: boolean,
  now: number,
  nonce: string,
  next = "You can close this tab and return to your terminal.",
): string {
  const cert = https
    ? `<p class="note">Your browser warned about this page's certificate: it is a self-signed certificate tdauth made for 127.0.0.1, because ${
      escapeHTML(providerName)
    } requires an https callback. The page never leaves your computer.</p>`
    : "";
  return page(
    "tdauth — logged in",
    `
<h1>Logged in to ${escapeHTML(providerName)}</h1>
<p role="status">${escapeHTML(next)}</p>
<dl>
  <dt>Access token expires</dt><dd>${when(status.accessExpiresAt, now)}</dd>
  <dt>Refresh token expires</dt><dd>${when(status.refreshExpiresAt, now)}</dd>
</dl>
${cert}`,
    nonce,
  );
}

/**
 * A failed request: what went wrong and what to do.
 * @example
 * ```ts
 * c.html(errorPage("Login failed", error.message, nonce), 400);
 * ```
 */
export function errorPage(title: string, message: string, nonce: string): string {
  return page(
    `tdauth — ${title}`,
    `
<h1>${escapeHTML(title)}</h1>
<p role="alert">${escapeHTML(message)}</p>
<p><a class="button" href="/">Back to the status page</a></p>`,
    nonce,
  );
}
