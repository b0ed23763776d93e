import type { Role } from '@/lib/generated/prisma/enums';

export const PERMISSIONS = {
  /** Read prompts, runs and dashboards. */
  read: ['admin', 'editor', 'viewer'],
  /** Create and edit prompts, suites and experiments; move non-protected labels. */
  write: ['admin', 'editor'],
  /** Move the protected production label (promote, roll back). */
  promote: ['admin', 'editor'],
  /** Add and remove members, change roles, configure providers. */
  manage: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
