'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { errorMessage, type ActionFailure, type ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { DEFAULT_TEMPLATE_LIMITS } from '@/lib/loom/template/limits';
import { useDraftHandOff } from '../playground/draft-store';
import { ConflictPanel } from './conflict-panel';
import { ExamplesEditor } from './examples-editor';
import { IssueList } from './issue-list';
import { issuesAt, issuesFromFieldErrors } from './issues';
import { ModelSettingsForm, type ModelChoices } from './model-settings';
import { PreviewPane } from './preview-pane';
import { SampleInputForm } from './sample-input-form';
import { TemplateEditorLazy } from './template-editor-lazy';
import type { EditorBase, EditorDraft, SaveVersionResult } from './types';
import { usePreview } from './use-preview';
import { useUnsavedGuard } from './use-unsaved-guard';
import { VariablesTable } from './variables-table';

export interface SaveVersionRequest {
  id: string;
  expectedLatest: number;
  message: string;
  draft: EditorDraft;
}

const MAX_TEMPLATE_CHARS = DEFAULT_TEMPLATE_LIMITS.maxSourceLength;

/** Why the draft cannot even be previewed: a template over the size cap (say so before any request). */
function sizeProblem(draft: EditorDraft): string | null {
  for (const part of ['system', 'user'] as const) {
    const size = draft[part].length;
    if (size > MAX_TEMPLATE_CHARS) {
      return `The ${part} template is ${Math.ceil(size / 1024).toLocaleString('en')} KB; templates are limited to ${MAX_TEMPLATE_CHARS / 1024} KB. Shorten it to preview or save.`;
    }
  }
  return null;
}

/**
 * The prompt editor: templates, variables, examples and model settings on the left; sample input
 * and the live preview on the right. `base` is the latest version as the server last rendered it:
 * when it moves past the version this editor started from, a save was refused and the conflict
 * panel shows what changed.
 */
export function PromptEditor({
  base,
  readOnly,
  saveVersion,
  modelChoices,
  isNew = false,
}: {
  base: EditorBase;
  readOnly: boolean;
  saveVersion: (input: SaveVersionRequest) => Promise<ActionResult<SaveVersionResult>>;
  modelChoices: ModelChoices;
  isNew?: boolean;
}) {
  const router = useRouter();
  const [loaded, setLoaded] = useState(base);
  const [draft, setDraft] = useState(base.draft);
  const [sample, setSample] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [saveFailure, setSaveFailure] = useState<ActionFailure | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  /** Bumped when the draft is replaced from outside the editors, so they remount with the new text. */
  const [revision, setRevision] = useState(0);

  const blocked = sizeProblem(draft);
  const declared = new Set(draft.variables.map((v) => v.name));
  const sampleInput = Object.fromEntries(Object.entries(sample).filter(([name]) => declared.has(name)));
  const preview = usePreview(draft, sampleInput, blocked);
  const isDirty = JSON.stringify(draft) !== JSON.stringify(loaded.draft);
  useUnsavedGuard(isDirty && !readOnly);
  useDraftHandOff(base.id, isDirty && !readOnly && !isNew ? draft : undefined);

  const saveIssues = issuesFromFieldErrors(saveFailure?.error.fieldErrors);
  const issues = [...(preview.result?.issues ?? []), ...saveIssues];
  const templates = preview.result?.templates;
  const hasConflict = base.version > loaded.version;

  const save = useActionMutation(saveVersion, {
    onSuccess: ({ version }) => {
      setLoaded({ id: base.id, version, draft });
      setMessage('');
      setSaveFailure(null);
      setSavedVersion(version);
      if (isNew) router.replace(`/prompts/${encodeURIComponent(base.id)}`);
    },
  });

  // Stable callbacks, so the memoized template editors do not re-render on every keystroke.
  const edit = useCallback((patch: Partial<EditorDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setSavedVersion(null);
  }, []);
  const onTemplateChange = {
    system: useCallback((value: string) => edit({ system: value }), [edit]),
    user: useCallback((value: string) => edit({ user: value }), [edit]),
  };

  const onSave = () => {
    setSaveFailure(null);
    save.mutate(
      { id: base.id, expectedLatest: loaded.version, message, draft },
      {
        onError: (failure) => {
          setSaveFailure(failure);
          // The page re-renders with the newer latest, which opens the conflict panel.
          if (failure.error.code === 'CONFLICT') router.refresh();
        },
      },
    );
  };

  return (
    <div className="space-y-4" data-testid="prompt-editor">
      {readOnly ? (
        <Alert tone="info">
          You are viewing v{loaded.version} read-only: your role cannot save versions.
        </Alert>
      ) : (
        <div className="flex flex-wrap items-start gap-2" data-testid="save-bar">
          <div className="min-w-64 flex-1">
            <input
              className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
              aria-label="Commit message"
              placeholder="What changed? (commit message)"
              value={message}
              aria-invalid={issuesAt(saveIssues, 'message').length > 0}
              onChange={(e) => setMessage(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !save.isPending && !blocked) onSave();
              }}
            />
            <IssueList messages={issuesAt(saveIssues, 'message')} />
          </div>
          <Button onClick={onSave} disabled={save.isPending || blocked !== null || hasConflict}>
            {save.isPending ? 'Saving…' : isNew ? 'Save v1' : `Save v${loaded.version + 1}`}
          </Button>
          <span className="self-center text-xs text-zinc-500" data-testid="editor-status">
            {savedVersion !== null
              ? `Saved v${savedVersion}`
              : isDirty
                ? `Unsaved changes (based on ${loaded.version === 0 ? 'a new prompt' : `v${loaded.version}`})`
                : loaded.version === 0
                  ? 'New prompt, not saved yet'
                  : `Editing v${loaded.version}`}
          </span>
        </div>
      )}
      {saveFailure && !hasConflict ? (
        <Alert>
          <span data-testid="save-error">{errorMessage(saveFailure.error)}</span>
        </Alert>
      ) : null}
      {hasConflict ? (
        <ConflictPanel
          loaded={loaded}
          latest={base}
          onTakeTheirs={() => {
            setLoaded(base);
            setDraft(base.draft);
            setRevision((r) => r + 1);
            setSaveFailure(null);
          }}
          onKeepMine={() => {
            setLoaded(base);
            setSaveFailure(null);
          }}
        />
      ) : null}

      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          <Card title="Name">
            <input
              className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              aria-label="Prompt name"
              readOnly={readOnly}
              value={draft.name}
              onChange={(e) => edit({ name: e.target.value })}
            />
            <IssueList messages={issuesAt(issues, 'name')} />
          </Card>
          {(['system', 'user'] as const).map((part) => (
            <Card key={part} title={part === 'system' ? 'System template' : 'User template'}>
              <div
                data-testid={`template-${part}`}
                className="overflow-hidden rounded border border-zinc-200 dark:border-zinc-800"
              >
                <TemplateEditorLazy
                  key={`${part}-${revision}`}
                  modelPath={`loom/${base.id}/${revision}/${part}.liquid`}
                  initialValue={draft[part]}
                  onChange={onTemplateChange[part]}
                  readOnly={readOnly}
                  variables={draft.variables}
                  check={templates?.[part]}
                  ariaLabel={`${part === 'system' ? 'System' : 'User'} template`}
                />
              </div>
              <IssueList
                testId={`template-${part}-issues`}
                messages={[
                  ...(templates?.[part].errors ?? []).map(
                    (e) => `Line ${e.line}, column ${e.column}: ${e.message}`,
                  ),
                  ...(templates?.[part].undeclared ?? []).map(
                    (u) => `Line ${u.line}, column ${u.column}: "${u.name}" is not a declared variable.`,
                  ),
                  ...issuesAt(issues, part),
                ]}
              />
            </Card>
          ))}
          <Card title="Variables">
            <VariablesTable
              variables={draft.variables}
              onChange={(variables) => edit({ variables })}
              issues={issues}
              readOnly={readOnly}
            />
          </Card>
          <Card title="Examples (few-shot)">
            <ExamplesEditor
              examples={draft.examples}
              variables={draft.variables}
              onChange={(examples) => edit({ examples })}
              issues={issues}
              readOnly={readOnly}
            />
          </Card>
          <Card title="Model settings">
            <ModelSettingsForm
              settings={draft.model}
              choices={modelChoices}
              onChange={(model) => edit({ model })}
              issues={issues}
              readOnly={readOnly}
            />
          </Card>
        </div>
        <div className="min-w-0 space-y-4">
          <Card title="Sample input">
            <SampleInputForm
              variables={draft.variables}
              values={sample}
              onChange={setSample}
              issues={preview.result?.inputIssues ?? []}
            />
          </Card>
          <Card title="Preview">
            <PreviewPane state={preview} blocked={blocked} />
          </Card>
        </div>
      </div>
    </div>
  );
}
