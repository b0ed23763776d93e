import 'server-only';
import type { z } from 'zod';
import type { LoomErrorCode } from '@/lib/loom/core';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { can, type Permission } from './auth/permissions';
import { getViewer, type Viewer } from './auth/session';
import { getPrisma } from './db';
import { mapError } from './error-response';
import { findUnstorableText } from './unstorable-text';
import type { ActionError, ActionResult } from '@/lib/client/action-result';

export type { ActionResult } from '@/lib/client/action-result';

export interface ActionContext<I> {
  input: I;
  viewer: Viewer;
  prisma: PrismaClient;
}

const inputSchemas = new WeakMap<object, z.ZodType>();

/** The schema an action built by `defineAction` validates its input with (the bad-input sweep reads it). */
export function actionInputSchema(action: object): z.ZodType | undefined {
  return inputSchemas.get(action);
}

/**
 * Builds a server action that, in order: checks the session, validates the input, checks the
 * viewer's role for `permission`, runs `handler`, and maps errors. The browser only ever sees
 * `{ ok, data }` or `{ ok: false, error: { code, message, fieldErrors } }`.
 */
export function defineAction<S extends z.ZodType, T>(options: {
  name: string;
  schema: S;
  permission: Permission;
  handler: (ctx: ActionContext<z.output<S>>) => Promise<T>;
}): (input: z.input<S>) => Promise<ActionResult<T>> {
  const action = async (input: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const viewer = await getViewer();
      if (!viewer) return fail('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
      const unstorable = findUnstorableText(input);
      if (unstorable) {
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'Some fields need attention.',
            fieldErrors: { [unstorable.path]: [unstorable.message] },
          },
        };
      }
      const parsed = options.schema.safeParse(input);
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'Some fields need attention.',
            fieldErrors: fieldErrors(parsed.error),
          },
        };
      }
      if (!can(viewer.role, options.permission)) {
        return fail('FORBIDDEN', `Your role (${viewer.role}) does not allow this.`);
      }
      const data = await options.handler({ input: parsed.data, viewer, prisma: await getPrisma() });
      return { ok: true, data };
    } catch (error) {
      const { code, message, issues } = mapError(error, `action ${options.name}`);
      return { ok: false, error: { code, message, ...(issues ? { fieldErrors: groupIssues(issues) } : {}) } };
    }
  };
  inputSchemas.set(action, options.schema);
  return action;
}

function fail(code: LoomErrorCode, message: string): { ok: false; error: ActionError } {
  return { ok: false, error: { code, message } };
}

function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function groupIssues(issues: { path?: string; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) (out[issue.path ?? '_'] ??= []).push(issue.message);
  return out;
}
