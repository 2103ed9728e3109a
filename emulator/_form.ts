// Strict reading of an x-www-form-urlencoded token request body, shared by both token endpoints.

/**
 * The parsed body, or the reason it is not acceptable as an OAuth token request.
 *
 * @example
 * const form: FormResult = await readTokenForm(request);
 */
export type FormResult = { ok: true; get(name: string): string | undefined } | { ok: false; description: string };

/**
 * Reads a token request body. It must be `application/x-www-form-urlencoded` (RFC 6749 §4.1.3), and a
 * parameter may not repeat (§3.2). Empty values count as absent, since some TD clients send `refresh_token=`.
 *
 * @example
 * const form = await readTokenForm(c.req.raw);
 * if (form.ok) form.get("grant_type");
 */
export async function readTokenForm(request: Request): Promise<FormResult> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    return { ok: false, description: "Content-Type must be application/x-www-form-urlencoded" };
  }
  const params = new URLSearchParams(await request.text());
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) return { ok: false, description: `Parameter sent more than once: ${key}` };
  }
  return { ok: true, get: (name) => params.get(name) || undefined };
}
