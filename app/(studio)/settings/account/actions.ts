'use server';

import { headers } from 'next/headers';
import { defineAction } from '@/lib/server/action';
import { changePassword, changePasswordSchema } from '@/lib/server/auth/account';
import { CLIENT_ADDRESS_HEADER } from '@/lib/server/auth/client-address';
import { renewSession } from '@/lib/server/auth/renew-session';

export const changePasswordAction = defineAction({
  name: 'changePassword',
  schema: changePasswordSchema,
  permission: 'read', // every member manages their own password
  handler: async ({ prisma, viewer, input }) => {
    const address = (await headers()).get(CLIENT_ADDRESS_HEADER) ?? undefined;
    const { sessionsValidFrom } = await changePassword(prisma, viewer, input, address);
    await renewSession(viewer.userId, sessionsValidFrom); // every other session has ended; this one carries on
  },
});
