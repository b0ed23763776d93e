'use server';

import { defineAction } from '@/lib/server/action';
import {
  addMember,
  addMemberSchema,
  changeRole,
  changeRoleSchema,
  removeMember,
  removeMemberSchema,
} from '@/lib/server/members';

export const addMemberAction = defineAction({
  name: 'addMember',
  schema: addMemberSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => addMember(prisma, viewer.workspaceId, input),
});

export const changeRoleAction = defineAction({
  name: 'changeRole',
  schema: changeRoleSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => changeRole(prisma, viewer.workspaceId, input.userId, input.role),
});

export const removeMemberAction = defineAction({
  name: 'removeMember',
  schema: removeMemberSchema,
  permission: 'manage',
  handler: ({ prisma, viewer, input }) => removeMember(prisma, viewer.workspaceId, input.userId),
});
