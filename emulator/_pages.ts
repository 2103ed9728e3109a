// The HTML the authorize endpoints show: the consent page (works without JavaScript) and the error page.

const SCOPES: Record<"td" | "schwab", string[]> = {
  td: ["PlaceTrades: place trades", "AccountAccess: see your accounts", "MoveMoney: move money"],
  schwab: ["api: accounts, trading and market data"],
};

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // The decision must not be clickjacked, and the page needs no scripts at all.
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
};

/**
 * Escapes text for HTML element content and quoted attributes.
 *
 * @example
 * escapeHTML('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The consent page: app name in the h1, the scopes, and one form whose Allow and Deny buttons POST the
 * decision with a single-use nonce, so a GET (link, image, prefetch) can never approve anything.
 *
 * @example
 * return authorizePage({ flavour: "td", appName: "My app", redirectURI, nonce, action: "/auth" });
 */
export function authorizePage(options: {
  flavour: "td" | "schwab";
  appName: string;
  redirectURI: string;
  nonce: string;
  action: string;
  scope?: string;
}): Response {
  const server = options.flavour === "td" ? "TD Ameritrade" : "Charles Schwab";
  const scopes = options.scope ? options.scope.split(/[ +]/).filter(Boolean) : SCOPES[options.flavour];
  const html = page(
    `${server}: authorize ${options.appName}`,
    `<h1>${escapeHTML(options.appName)}</h1>
<p>${escapeHTML(options.appName)} asks for access to your ${server} account (emulated: no real account is involved).</p>
<h2 id="scopes">It will be able to</h2>
<ul aria-labelledby="scopes">
${scopes.map((s) => `<li>${escapeHTML(s)}</li>`).join("\n")}
</ul>
<p>After your decision you go back to <code>${escapeHTML(options.redirectURI)}</code>.</p>
<form method="post" action="${escapeHTML(options.action)}" aria-label="Authorization decision">
<input type="hidden" name="nonce" value="${escapeHTML(options.nonce)}">
<button type="submit" name="decision" value="allow" aria-label="Allow ${escapeHTML(options.appName)} to access your account">Allow</button>
<button type="submit" name="decision" value="deny" aria-label="Deny access to ${escapeHTML(options.appName)}">Deny</button>
</form>`,
  );
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}

/**
 * An error page that never redirects: an unknown client or unregistered redirect URI must not send the
 * browser anywhere (RFC 6749 §4.1.2.1). TD's real page said the first sentence below.
 *
 * @example
 * return errorPage("td", "The redirect_uri is not registered for this application.");
 */
export function errorPage(flavour: "td" | "schwab", detail: string, status = 400): Response {
  const lead = flavour === "td"
    ? "A third-party application may be attempting to make unauthorized access to your account."
    : "We are unable to complete your request. Please contact customer service for further assistance.";
  const html = page("Authorization error", `<h1>Authorization error</h1>\n<p>${escapeHTML(lead)}</p>\n<p>${escapeHTML(detail)}</p>`);
  return new Response(html, { status, headers: PAGE_HEADERS });
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// java.util.Date#toString in UTC, as Spring prints the time on its error page: "Thu Jun 06 20:09:39 UTC 2024".
function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Spring's "Whitelabel Error Page" with status 500, which Schwab's login shows for an app that is still
 * "Approved - Pending" (github.com/tylerebowers/Schwabdev/issues/33, github.com/hzheng/pyschwab/issues/1).
 * `requestId` is Spring's log prefix, e.g. "a6189169-76916".
 *
 * @example
 * return whitelabelPage(ctx.now(), "a6189169-76916");
 */
export function whitelabelPage(now: number, requestId: string): Response {
  const html = "<html><body><h1>Whitelabel Error Page</h1>" +
    "<p>This application has no configured error view, so you are seeing this as a fallback.</p>" +
    `<div id='created'>${javaDate(now)}</div>` +
    `<div>[${escapeHTML(requestId)}] There was an unexpected error (type=Internal Server Error, status=500).</div></body></html>`;
  return new Response(html, { status: 500, headers: { "content-type": "text/html;charset=UTF-8", "cache-control": "no-store" } });
}

/**
 * The other page Schwab's login shows for an app that is not "Ready For Use" (Schwabdev issue 33 above).
 *
 * @example
 * return unableToCompletePage();
 */
export function unableToCompletePage(): Response {
  const html = page(
    "Charles Schwab",
    "<p>We are unable to complete your request. Please contact customer service for further assistance.</p>",
  );
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}
