import type { Metadata } from 'next';
import { ProviderSettings } from '@/components/settings/provider-settings';
import { Alert } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listProviderConfigs } from '@/lib/server/providers';
import {
  deleteProviderAction,
  saveProviderAction,
  testProviderAction,
  testProviderDraftAction,
} from './actions';

export const metadata: Metadata = { title: 'Providers' };

export default async function ProvidersPage() {
  const viewer = await getViewer();
  if (!viewer || !can(viewer.role, 'manage')) {
    return <Alert>Only workspace admins can configure providers.</Alert>;
  }
  const configs = await listProviderConfigs(await getPrisma(), viewer.workspaceId);
  return (
    <div className="max-w-5xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Providers</h1>
        <p className="text-sm text-zinc-500">
          The LLM backends prompts run on. API keys are stored encrypted and never shown again in full.
        </p>
      </header>
      <ProviderSettings
        rows={configs.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() }))}
        save={saveProviderAction}
        remove={deleteProviderAction}
        test={testProviderAction}
        testDraft={testProviderDraftAction}
      />
    </div>
  );
}
