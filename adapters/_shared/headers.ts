// The headers every response of the callback app and the Worker carries: not cached (pages show
// token expiries), no Referer (the callback URL holds the code), never framed, and a CSP that
// allows inline styles and only the page's own nonce-marked script.

/**
 * The security headers of a response whose page may run one script marked with `nonce`. Its
 * forms may post to this origin, and to `formTargets` (origins): browsers also hold a form's
 * redirect to `form-action`, so a form that ends at the provider's login names that origin.
 * @example
 * ```ts
 * new Response(page, { headers: { ...securityHeaders(nonce), "content-type": "text/html; charset=utf-8" } });
 * ```
 */
export function securityHeaders(nonce: string, formTargets: readonly string[] = []): Record<string, string> {
  return {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action ${
      ["'self'", ...formTargets].join(" ")
    }; frame-ancestors 'none'; base-uri 'none'`,
  };
}
