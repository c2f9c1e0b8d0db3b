import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from './problem';
import type { AppEnv } from './types';

// eslint-disable-next-line no-control-regex -- finding the NUL is the point
const NUL = /\u0000/;
const withoutNul = (s: string) => s.split('\u0000').join('');
// In a `u` regex a well-formed surrogate pair is one code point: only a lone half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const FORM = /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;
const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

// Form fields and query values are decoded without complaint: bytes that were not UTF-8 arrive
// as U+FFFD, which is what we can see of them.
const REPLACEMENT = /\uFFFD/;
const undecodable = (text: string) =>
  REPLACEMENT.test(text) ? 'is not valid UTF-8 (send the text in UTF-8)' : undefined;

/** Why a text cannot be stored, or undefined when it can. */
export function unsafeText(text: string): string | undefined {
  if (NUL.test(text)) return 'contains a NUL character (U+0000); remove it';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/** Deeper than any body Seva takes; deeper input would only exhaust the stack of whatever reads it. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first string (key or value) in a parsed JSON value that cannot be stored, with its dotted
 * path, or a nesting deeper than MAX_JSON_DEPTH. Walks with its own stack, so no input can
 * overflow the call stack.
 */
export function findUnsafeText(
  value: unknown,
  path: string[] = [],
): { field: string; message: string } | undefined {
  const at = (p: string[]) => p.join('.') || '(body)';
  const todo: { value: unknown; path: string[] }[] = [{ value, path }];
  while (todo.length > 0) {
    const { value: v, path: p } = todo.pop()!;
    if (typeof v === 'string') {
      const message = unsafeText(v);
      if (message) return { field: at(p), message };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (p.length - path.length >= MAX_JSON_DEPTH)
      return { field: at(path), message: `nested more than ${MAX_JSON_DEPTH} levels deep` };
    const entries: [string, unknown][] = Array.isArray(v)
      ? (v as unknown[]).map((item, i) => [String(i), item])
      : Object.entries(v as Record<string, unknown>);
    // Reversed onto the stack, so fields are looked at in the order they were sent.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const keyProblem = Array.isArray(v) ? undefined : unsafeText(key);
      if (keyProblem) return { field: at(p), message: `a field name ${keyProblem}` };
      todo.push({ value: item, path: [...p, key] });
    }
  }
  return undefined;
}

const refuse = (field: string, message: string): never => {
  throw new HttpProblem(400, `${field}: ${message}`, { errors: [{ field, message }] });
};

/**
 * Every text that reaches a handler passes here first: the path, the query, JSON bodies and form
 * fields. A NUL (which PostgreSQL cannot store), an unpaired surrogate, or a body that is not
 * UTF-8 is refused with 400 naming the field, instead of being replaced silently or failing deep
 * in the database.
 */
export function guardText(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // Not percent-decodable: the router treats it as literal text, which holds no NUL.
    }
    if (NUL.test(path)) refuse('(path)', 'contains a NUL character (U+0000)');
    for (const [key, value] of url.searchParams) {
      const message = unsafeText(key) ?? unsafeText(value) ?? undecodable(key) ?? undecodable(value);
      if (message) refuse(`query.${withoutNul(key)}`, message);
    }

    const type = c.req.header('content-type') ?? '';
    if (BODY_METHODS.has(c.req.method) && JSON_TYPE.test(type)) {
      const bytes = await c.req.arrayBuffer();
      let text = '';
      try {
        text = strictUtf8.decode(bytes);
      } catch {
        refuse('(body)', 'the body is not valid UTF-8');
      }
      // Handlers read the text we checked (hono caches a body per kind).
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // malformed JSON is reported by the route's own validator
      }
      const found = findUnsafeText(parsed);
      if (found) refuse(found.field, found.message);
    } else if (BODY_METHODS.has(c.req.method) && FORM.test(type)) {
      const form = await c.req.formData().catch(() => undefined);
      if (!form) refuse('(body)', 'a malformed form body (check the multipart boundary and parts)');
      for (const [key, value] of form!) {
        if (typeof value !== 'string') continue;
        const message = unsafeText(key) ?? unsafeText(value) ?? undecodable(key) ?? undecodable(value);
        if (message) refuse(withoutNul(key) || '(body)', message);
      }
    }
    await next();
  };
}
