import { notFound } from 'next/navigation';
import { CasesTable } from '@/components/suites/cases-table';
import type { CaseVariable } from '@/components/suites/types';
import { isLoomError } from '@/lib/loom/core';
import {
  getSuiteRevision,
  listSuiteCases,
  loadPromptVariables,
  parseCasePageQuery,
} from '@/lib/server/suites/suites';
import { loadSuitePage, suitePageMetadata } from '@/lib/server/suites/suites-page';
import { deleteCasesAction, saveCaseAction } from './actions';

export const generateMetadata = suitePageMetadata('Cases');

export default async function SuiteCasesPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { suite, prisma, viewer, canWrite } = await loadSuitePage(decodeURIComponent((await params).id));
  const search = await searchParams;
  const query = parseCasePageQuery(search);
  const asked = typeof search.revision === 'string' ? Number(search.revision) : undefined;
  const revisionNumber = asked !== undefined && Number.isInteger(asked) && asked > 0 ? asked : suite.revision;
  let revision;
  try {
    revision = await getSuiteRevision(prisma, viewer.workspaceId, suite.id, revisionNumber);
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
  const [page, prompt] = await Promise.all([
    listSuiteCases(prisma, viewer.workspaceId, suite.id, revision.revision, query),
    // The cases stay readable when their prompt was deleted; other failures are the page's error.
    loadPromptVariables(prisma, viewer.workspaceId, suite.promptId).catch((error: unknown) => {
      if (isLoomError(error, 'NOT_FOUND')) return null;
      throw error;
    }),
  ]);
  const variables: CaseVariable[] = (prompt?.variables ?? []).map((v) => ({
    name: v.name,
    type: v.type,
    required: v.required,
    ...(v.description ? { description: v.description } : {}),
    ...(v.values ? { values: v.values } : {}),
  }));
  return (
    <CasesTable
      suiteId={suite.id}
      revision={revision.revision}
      latestRevision={suite.revision}
      caseCount={revision.caseCount}
      data={page}
      query={{ ...query, page: page.page }}
      variables={variables}
      canWrite={canWrite}
      saveCase={saveCaseAction}
      deleteCases={deleteCasesAction}
    />
  );
}
