import type { Viewer } from '@/lib/server/auth/session';

/** The signed-in user that action and route tests fake: "Boss" of workspace "W", with `role`. */
export function testViewer(workspaceId: string, role: Viewer['role'], userId = 'u1'): Viewer {
  return { userId, email: 'boss@x.test', name: 'Boss', workspaceId, workspaceName: 'W', role };
}
