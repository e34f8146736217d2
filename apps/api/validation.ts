/**
 * Request validation at the edge: zod issues become one 400 response. Its message names each
 * field and what was expected, and for unknown fields lists the accepted ones.
 */
import { z, type ZodError, type ZodType } from 'zod';

import { HttpError } from '../platform/errors.js';

interface IssueView {
  path: string;
  message: string;
}

function pathOf(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`), root);
}

/** Keys accepted at `path` of an object schema, when the schema there is a plain object. */
function acceptedKeys(schema: ZodType, path: readonly PropertyKey[]): string[] | null {
  let current: unknown = schema;
  for (const part of [...path, null]) {
    let def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    while (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'pipe')) {
      current = def.type === 'pipe' ? def.in : def.innerType;
      def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    }
    if (!def) return null;
    if (part === null) return def.type === 'object' ? Object.keys(def.shape as object) : null;
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[String(part)];
    else if (def.type === 'array') current = def.element;
    else return null;
  }
  return null;
}

export function issuesOf(error: ZodError, root: string, schema?: ZodType): IssueView[] {
  return error.issues.map((issue) => {
    const path = pathOf(root, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const accepted = schema ? acceptedKeys(schema, issue.path) : null;
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}${accepted ? `; accepted fields: ${accepted.join(', ')}` : ''}` };
    }
    return { path, message: issue.message };
  });
}

/** Parses `input` with `schema`, or throws HttpError 400 naming every invalid field under `root` (body, query). */
export function validate<T extends ZodType>(schema: T, input: unknown, root: 'body' | 'query' | 'params'): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error, root, schema);
  throw new HttpError(400, 'invalid_request', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
}

export const uuidParam = z.strictObject({ id: z.uuid('expected a UUID') });
