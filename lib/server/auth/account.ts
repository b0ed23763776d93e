import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import type { Viewer } from './session';
import { nextSessionStamp } from './session-stamp';
import { generatePassword, hashPassword, verifyPassword } from './password';
import {
  accountKey,
  addressKey,
  refundSignInAttempt,
  reserveSignInAttempt,
  settleSignInSuccess,
  unlockAccount,
} from './throttle';

/** Long enough to resist guessing at the throttled rate; the cap bounds the hashing work. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
    newPassword: newPasswordSchema,
    repeatPassword: z.string(),
  })
  .superRefine((input, ctx) => {
    if (input.repeatPassword !== input.newPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['repeatPassword'],
        message: 'This does not match the new password.',
      });
    }
    if (input.newPassword === input.currentPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['newPassword'],
        message: 'Choose a password different from the current one.',
      });
    }
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

const wrongCurrentPassword = () =>
  new LoomError('INVALID_INPUT', 'Your current password was not accepted.', {
    issues: [
      {
        path: 'currentPassword',
        message:
          'This is not your current password (after repeated failures, checks pause for a few minutes).',
      },
    ],
  });

/**
 * Changes the viewer's own password after checking the current one, and signs the account out
 * everywhere: returns the new session stamp, with which the caller renews its own session. The
 * check counts against the same sign-in throttle, so a borrowed session cannot be used to guess
 * the password.
 */
export async function changePassword(
  prisma: PrismaClient,
  viewer: Pick<Viewer, 'userId' | 'email'>,
  input: z.output<typeof changePasswordSchema>,
  address: string | undefined,
) {
  const keys = { account: accountKey(viewer.email), address: addressKey(address) };
  if (!(await reserveSignInAttempt(prisma, keys))) throw wrongCurrentPassword();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: viewer.userId } });
  let matches: boolean;
  try {
    matches = await verifyPassword(input.currentPassword, user.passwordHash);
  } catch (error) {
    await refundSignInAttempt(prisma, keys);
    throw error;
  }
  if (!matches) throw wrongCurrentPassword();
  await settleSignInSuccess(prisma, keys);
  const passwordHash = await hashPassword(input.newPassword);
  const sessionsValidFrom = nextSessionStamp(user.sessionsValidFrom);
  await prisma.user.update({ where: { id: user.id }, data: { passwordHash, sessionsValidFrom } });
  return { sessionsValidFrom };
}

/**
 * Gives an account a new generated password, signs it out everywhere and lifts any sign-in pause:
 * the way back in for a lost (or stolen) password, run from the machine (npm run
 * user:reset-password). Returns the new password.
 */
export async function resetPassword(prisma: PrismaClient, email: string): Promise<string> {
  const normalized = email.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email: normalized } });
  if (!user) throw new LoomError('NOT_FOUND', `There is no account for ${normalized}.`);
  const password = generatePassword();
  await prisma.user.update({
    where: { id: user.id },
    data: {
      passwordHash: await hashPassword(password),
      sessionsValidFrom: nextSessionStamp(user.sessionsValidFrom),
    },
  });
  await unlockAccount(prisma, normalized);
  return password;
}
