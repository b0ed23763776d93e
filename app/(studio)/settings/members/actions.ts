'use server';

import { defineAction } from '@/lib/server/action';
import {
  addMember,
  addMemberSchema,
  changeRole,
  changeRoleSchema,
  memberSchema,
  removeMember,
  unlockMember,
} from '@/lib/server/members';

export const addMemberAction = defineAction({
  name: 'addMember',
  schema: addMemberSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => addMember(prisma, viewer, input),
});

export const changeRoleAction = defineAction({
  name: 'changeRole',
  schema: changeRoleSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => changeRole(prisma, viewer, input.userId, input.role),
});

export const removeMemberAction = defineAction({
  name: 'removeMember',
  schema: memberSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => removeMember(prisma, viewer, input.userId),
});

export const unlockMemberAction = defineAction({
  name: 'unlockMember',
  schema: memberSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => unlockMember(prisma, viewer, input.userId),
});
