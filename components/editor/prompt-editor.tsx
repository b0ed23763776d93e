'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '@/components/prompts/confirm-dialog';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { errorMessage, type ActionFailure, type ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
// The editor is where zod reaches the browser (variable types): no eval probe under the CSP.
import '@/lib/client/zod-config';
import { DEFAULT_TEMPLATE_LIMITS } from '@/lib/loom/template/limits';
import { useDraftHandOff } from '../playground/draft-store';
import { ConflictPanel } from './conflict-panel';
import { CONTROL } from './controls';
import { ExamplesEditor } from './examples-editor';
import { IssueList } from './issue-list';
import { issuesAt, issuesFromFieldErrors, mergeIssues } from './issues';
import { ModelSettingsForm, type ModelChoices } from './model-settings';
import { PreviewPane } from './preview-pane';
import { SampleInputForm } from './sample-input-form';
import { initialSampleValues, sampleInputFor } from './sample-values';
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

/** Promotion from the editor, for roles that may promote: the same confirmed path as History. */
export interface EditorPromotion {
  /** The version production serves now, if any. */
  production: number | null;
  promote: (input: { promptId: string; version: number }) => Promise<ActionResult<unknown>>;
}

/** Ctrl+S, or Cmd+S on macOS. */
function isSaveShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's';
}

/** Scrolls to and focuses the first field marked invalid (in page order) inside `root`. */
function focusFirstInvalid(root: HTMLElement | null): void {
  const field = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!field) return;
  // Monaco's text area is tiny and off to the side: scroll its editor into view instead.
  (field.closest('[data-field]') ?? field).scrollIntoView({ block: 'center' });
  field.focus({ preventScroll: true });
}

function refusePromotion(): Promise<ActionResult<unknown>> {
  return Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: 'Your role cannot promote.' } });
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
  promotion,
}: {
  base: EditorBase;
  readOnly: boolean;
  saveVersion: (input: SaveVersionRequest) => Promise<ActionResult<SaveVersionResult>>;
  modelChoices: ModelChoices;
  isNew?: boolean;
  /** Present when the viewer may promote: a fresh save then offers to promote it. */
  promotion?: EditorPromotion;
}) {
  const router = useRouter();
  const rootRef = useRef<HTMLDivElement>(null);
  const messageRef = useRef<HTMLInputElement>(null);
  const [loaded, setLoaded] = useState(base);
  const [draft, setDraft] = useState(base.draft);
  /** Sample values the user typed; the rest come prefilled from the first example or the defaults. */
  const [edited, setEdited] = useState<Record<string, string>>({});
  const [isPromoteOpen, setPromoteOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [saveFailure, setSaveFailure] = useState<ActionFailure | null>(null);
  /** The commit message the last refused save carried. */
  const [failedMessage, setFailedMessage] = useState<string | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  /** Bumped when the draft is replaced from outside the editors, so they remount with the new text. */
  const [revision, setRevision] = useState(0);

  const blocked = sizeProblem(draft);
  const sampleValues = { ...initialSampleValues(draft.variables, draft.examples), ...edited };
  const sampleInput = sampleInputFor(draft.variables, draft.examples, edited);
  const preview = usePreview(draft, sampleInput, blocked);
  const isDirty = JSON.stringify(draft) !== JSON.stringify(loaded.draft);
  const handsOffDraft = isDirty && !readOnly && !isNew;
  const playgroundPath = useMemo(() => [`/prompts/${encodeURIComponent(base.id)}/playground`], [base.id]);
  useUnsavedGuard(isDirty && !readOnly, handsOffDraft ? playgroundPath : undefined);
  useDraftHandOff(base.id, handsOffDraft ? draft : undefined);

  const templates = preview.result?.templates;
  // The preview checks the current draft exactly as the save did, so it is the fresher word on
  // the draft's fields; the save's own verdict stands for the commit message until it is edited.
  const saveIssues = issuesFromFieldErrors(saveFailure?.error.fieldErrors).filter((issue) =>
    issue.path === 'message' ? message === failedMessage : preview.result === null,
  );
  const issues = mergeIssues(preview.result?.issues ?? [], saveIssues);
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
  // Nothing to save when the draft equals the loaded version (the server refuses it too).
  const canSave = !save.isPending && blocked === null && !hasConflict && (isNew || isDirty);
  const promote = useActionMutation(promotion?.promote ?? refusePromotion, {
    onSuccess: () => setPromoteOpen(false),
  });

  // After a refused save, take the user to the first field it marked, once the marks are drawn.
  useEffect(() => {
    if (!saveFailure || saveFailure.error.code === 'CONFLICT') return;
    const frame = requestAnimationFrame(() => {
      if (saveFailure.error.fieldErrors) focusFirstInvalid(rootRef.current);
      else messageRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [saveFailure]);

  // Stable callbacks, so the memoized template editors do not re-render on every keystroke.
  const edit = useCallback((patch: Partial<EditorDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setSavedVersion(null);
  }, []);
  const onTemplateChange = {
    system: useCallback((value: string) => edit({ system: value }), [edit]),
    user: useCallback((value: string) => edit({ user: value }), [edit]),
  };

  const declare = useCallback((name: string) => {
    setDraft((current) =>
      current.variables.some((v) => v.name === name)
        ? current
        : { ...current, variables: [...current.variables, { name, type: 'string', required: false }] },
    );
    setSavedVersion(null);
  }, []);

  const onSave = () => {
    if (readOnly || !canSave) return;
    setSaveFailure(null);
    save.mutate(
      { id: base.id, expectedLatest: loaded.version, message, draft },
      {
        onError: (failure) => {
          setSaveFailure(failure);
          setFailedMessage(message);
          // The page re-renders with the newer latest, which opens the conflict panel.
          if (failure.error.code === 'CONFLICT') router.refresh();
        },
      },
    );
  };
  // Capture phase: runs before Monaco's own key handling, so Ctrl+S saves from the templates too.
  const onKeyDownCapture = (event: KeyboardEvent) => {
    if (!isSaveShortcut(event)) return;
    // Never the browser's "save page" dialog, even when there is nothing to save.
    event.preventDefault();
    onSave();
  };

  const production = promotion?.production ?? null;
  const closePromote = () => {
    setPromoteOpen(false);
    promote.reset();
    // After the dialog has handed focus back to its opener.
    requestAnimationFrame(() => messageRef.current?.focus());
  };

  return (
    <div className="space-y-4" data-testid="prompt-editor" ref={rootRef} onKeyDownCapture={onKeyDownCapture}>
      {readOnly ? (
        <Alert tone="info">
          You are viewing v{loaded.version} read-only: your role cannot save versions.
        </Alert>
      ) : (
        <div className="flex flex-wrap items-start gap-2" data-testid="save-bar">
          <div className="min-w-64 flex-1">
            <input
              ref={messageRef}
              className={`${CONTROL} px-3 py-1.5`}
              aria-label="Commit message"
              placeholder="What changed? (commit message) · Ctrl+S saves"
              value={message}
              aria-invalid={issuesAt(saveIssues, 'message').length > 0}
              onChange={(e) => setMessage(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') onSave();
              }}
            />
            <IssueList messages={issuesAt(saveIssues, 'message')} />
          </div>
          <Button onClick={onSave} disabled={!canSave} aria-describedby="editor-status">
            {save.isPending ? 'Saving…' : isNew ? 'Save v1' : `Save v${loaded.version + 1}`}
          </Button>
          <span className="self-center text-xs text-zinc-500" id="editor-status" data-testid="editor-status">
            {savedVersion !== null
              ? `Saved v${savedVersion}`
              : isDirty
                ? `Unsaved changes (based on ${loaded.version === 0 ? 'a new prompt' : `v${loaded.version}`})`
                : loaded.version === 0
                  ? 'New prompt, not saved yet'
                  : `Editing v${loaded.version} · no changes to save`}
          </span>
        </div>
      )}
      {savedVersion !== null ? (
        <div
          role="status"
          data-testid="saved-not-live"
          className="flex flex-wrap items-center gap-2 rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm text-blue-900 dark:border-blue-900 dark:bg-blue-950 dark:text-blue-200"
        >
          <span>
            {production === savedVersion
              ? `v${savedVersion} is live: production serves it now.`
              : `v${savedVersion} is saved but not live: ${production === null ? 'nothing is in production yet.' : `production still serves v${production}.`}${promotion ? '' : ' Someone who may promote can make it live from History.'}`}
          </span>
          {promotion && production !== savedVersion ? (
            <Button variant="secondary" onClick={() => setPromoteOpen(true)}>
              Promote v{savedVersion}…
            </Button>
          ) : null}
        </div>
      ) : null}
      {saveFailure && !hasConflict ? (
        <Alert>
          <span data-testid="save-error">{errorMessage(saveFailure.error)}</span>
        </Alert>
      ) : null}
      {promotion && savedVersion !== null ? (
        <ConfirmDialog
          open={isPromoteOpen}
          title={`Promote v${savedVersion} to production?`}
          confirmLabel="Promote"
          isPending={promote.isPending}
          error={promote.error?.message}
          onClose={closePromote}
          onConfirm={() => promote.mutate({ promptId: base.id, version: savedVersion })}
        >
          {production === null
            ? 'Nothing is in production yet. Applications asking for production will get this version.'
            : `Production serves v${production} now; applications will get v${savedVersion} from their next request.`}
        </ConfirmDialog>
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
              className={`${CONTROL} px-3 py-1.5`}
              aria-label="Prompt name"
              aria-invalid={issuesAt(issues, 'name').length > 0}
              readOnly={readOnly}
              value={draft.name}
              onChange={(e) => edit({ name: e.target.value })}
            />
            <IssueList messages={issuesAt(issues, 'name')} />
          </Card>
          {(['system', 'user'] as const).map((part) => {
            const messages = [
              ...(templates?.[part].errors ?? []).map(
                (e) => `Line ${e.line}, column ${e.column}: ${e.message}`,
              ),
              ...(templates?.[part].undeclared ?? []).map(
                (u) => `Line ${u.line}, column ${u.column}: "${u.name}" is not a declared variable.`,
              ),
              ...issuesAt(issues, part),
            ];
            return (
              <Card key={part} title={part === 'system' ? 'System template' : 'User template'}>
                <div
                  data-testid={`template-${part}`}
                  data-field
                  className={`overflow-hidden rounded border focus-within:outline-2 focus-within:outline-offset-1 focus-within:outline-accent ${messages.length > 0 ? 'border-red-500' : 'border-zinc-200 dark:border-zinc-800'}`}
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
                    invalid={messages.length > 0}
                  />
                </div>
                <IssueList testId={`template-${part}-issues`} messages={messages} />
              </Card>
            );
          })}
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
              values={sampleValues}
              edited={edited}
              onChange={(name, value) => setEdited((current) => ({ ...current, [name]: value }))}
              issues={preview.result?.inputIssues ?? []}
            />
          </Card>
          <Card title="Preview">
            <PreviewPane state={preview} blocked={blocked} onDeclare={readOnly ? undefined : declare} />
          </Card>
        </div>
      </div>
    </div>
  );
}
