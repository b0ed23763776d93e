'use server';

import { defineAction } from '@/lib/server/action';
import { writeAudit } from '@/lib/server/audit';
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
  handler: async ({ prisma, viewer, input }) => {
    const added = await addMember(prisma, viewer.workspaceId, input);
    await writeAudit(prisma, viewer, 'member.add', `member:${input.email}`, { role: input.role });
    return added;
  },
});

export const changeRoleAction = defineAction({
  name: 'changeRole',
  schema: changeRoleSchema,
  permission: 'manage',
  handler: async ({ prisma, viewer, input }) => {
    await changeRole(prisma, viewer.workspaceId, input.userId, input.role);
    await writeAudit(prisma, viewer, 'member.role', `user:${input.userId}`, { role: input.role });
  },
});

export const removeMemberAction = defineAction({
  name: 'removeMember',
  schema: removeMemberSchema,
  permission: 'manage',
  handler: async ({ prisma, viewer, input }) => {
    await removeMember(prisma, viewer.workspaceId, input.userId);
    await writeAudit(prisma, viewer, 'member.remove', `user:${input.userId}`);
  },
});
