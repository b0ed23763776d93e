'use client';

// Loaded only through next/dynamic (ssr: false) from version-diff.tsx, so Monaco stays out of
// shared chunks and off the server.
import { DiffEditor, type DiffOnMount } from '@monaco-editor/react';
import { useLayoutEffect, useRef } from 'react';
import { LIQUID_LANGUAGE_ID, type monaco } from '../editor/monaco-setup';
import { useMonacoTheme } from '../editor/use-color-scheme';

const LINE_PX = 19;
/** Tall enough for a changed hunk with context; longer texts scroll inside the editor. */
const MAX_HEIGHT_PX = 480;

const ORIGINAL_LABEL = 'Older version (read only)';
const MODIFIED_LABEL = 'Newer version (read only)';

const OPTIONS = {
  readOnly: true,
  originalEditable: false,
  renderSideBySide: true,
  useInlineViewWhenSpaceIsLimited: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  wordWrap: 'on',
  diffWordWrap: 'on',
  automaticLayout: true,
  originalAriaLabel: ORIGINAL_LABEL,
  modifiedAriaLabel: MODIFIED_LABEL,
  // Long prompts: show the changed lines with a little context; unchanged runs fold away.
  hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 3, revealLineCount: 10 },
} as const;

/**
 * One side-by-side diff. It owns its two text models: @monaco-editor/react disposes them before
 * the widget on unmount, which Monaco reports as "TextModel got disposed before DiffEditorWidget
 * model got reset" on every compare. Here the widget lets go of them first (a layout-effect
 * cleanup runs before the library's own), then they are disposed.
 */
export function MonacoDiff({
  original,
  modified,
  isTemplate,
}: {
  original: string;
  modified: string;
  isTemplate: boolean;
}) {
  const theme = useMonacoTheme();
  const editorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const onMount: DiffOnMount = (editor, api) => {
    editorRef.current = editor;
    // Monaco's diff sets its sides' ariaLabel from originalAriaLabel/modifiedAriaLabel only when
    // those options change: any later update (the side-by-side switch on resize) blanks it. Put it back.
    const sides = [
      [editor.getOriginalEditor(), ORIGINAL_LABEL],
      [editor.getModifiedEditor(), MODIFIED_LABEL],
    ] as const;
    for (const [side, label] of sides) {
      const keepLabel = () => {
        if (side.getOption(api.editor.EditorOption.ariaLabel) !== label)
          side.updateOptions({ ariaLabel: label });
      };
      keepLabel();
      side.onDidChangeConfiguration(keepLabel);
    }
  };
  useLayoutEffect(
    () => () => {
      const editor = editorRef.current;
      const model = editor?.getModel();
      editor?.setModel(null);
      model?.original.dispose();
      model?.modified.dispose();
      editorRef.current = null;
    },
    [],
  );
  const lines = Math.max(original.split('\n').length, modified.split('\n').length);
  const height = Math.min(MAX_HEIGHT_PX, Math.max(4, lines + 1) * LINE_PX);
  return (
    <DiffEditor
      height={height}
      language={isTemplate ? LIQUID_LANGUAGE_ID : 'plaintext'}
      original={original}
      modified={modified}
      theme={theme}
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      onMount={onMount}
      options={OPTIONS}
    />
  );
}
