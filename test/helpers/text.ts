// What hostile text must not bring to a terminal or a page: C0 controls but tab and line feed,
// DEL, C1 controls, and the bidi embedding, override and isolate controls.
// deno-lint-ignore no-control-regex
export const CONTROL_CHARACTERS: RegExp = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
