import type { Metadata } from 'next';
import { AddMemberForm, MemberRoleControls } from '@/components/forms/members';
import { Alert, Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listMembers } from '@/lib/server/members';
import { addMemberAction, changeRoleAction, removeMemberAction, unlockMemberAction } from './actions';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage() {
  const viewer = await getViewer();
  if (!viewer || !can(viewer.role, 'manage')) {
    return <Alert>Only workspace admins can manage members.</Alert>;
  }
  const members = await listMembers(await getPrisma(), viewer.workspaceId);
  return (
    <div className="max-w-4xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Members</h1>
        <p className="text-sm text-zinc-500">
          Admins manage members and settings; editors write prompts and promote; viewers read.
        </p>
      </header>
      <Card title={`${members.length} member${members.length === 1 ? '' : 's'}`}>
        <div className="relative overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-zinc-500 uppercase">
              <tr>
                <th className="pb-2">Name</th>
                <th className="pb-2">Email</th>
                <th className="pb-2">Role</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr
                  key={m.userId}
                  className="border-t border-zinc-100 dark:border-zinc-800"
                  data-testid="member-row"
                >
                  <td className="py-2 font-medium">
                    {m.name}
                    {m.userId === viewer.userId ? (
                      <span className="font-normal text-zinc-500 dark:text-zinc-400"> (you)</span>
                    ) : null}
                  </td>
                  <td className="py-2 text-zinc-600 dark:text-zinc-400">{m.email}</td>
                  <td className="py-2">
                    <MemberRoleControls
                      member={m}
                      isSelf={m.userId === viewer.userId}
                      isSignInPaused={m.isSignInPaused}
                      changeRole={changeRoleAction}
                      remove={removeMemberAction}
                      unlock={unlockMemberAction}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Add a member">
        <AddMemberForm addMember={addMemberAction} />
      </Card>
    </div>
  );
}
