'use client';

// Monaco for one template. Loaded only through TemplateEditorLazy (next/dynamic, ssr: false).
import { Editor, type OnMount } from '@monaco-editor/react';
import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import { LIQUID_LANGUAGE_ID, monaco, registerLiquidCompletion, setTemplateMarkers } from './monaco-setup';
import type { TemplateCheck } from './types';
import { useMonacoTheme } from './use-color-scheme';

export interface TemplateEditorProps {
  /** Unique per editor and content generation; becomes the model's URI. */
  modelPath: string;
  /**
   * The initial text. The editor is uncontrolled: pushing every render's value back into Monaco
   * would race fast typing and drop keystrokes. To replace the text, remount with a new modelPath.
   */
  initialValue: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  variables: readonly { name: string; description?: string }[];
  check: TemplateCheck | undefined;
  ariaLabel: string;
  /** Marks the editor's text area invalid (aria-invalid), as the save's first bad field to focus. */
  invalid: boolean;
}

// Constant objects: a new options object on every render makes Monaco re-apply them and re-layout,
// which costs more than the rest of a keystroke's render.
const BASE_OPTIONS = {
  minimap: { enabled: false },
  wordWrap: 'on',
  lineNumbers: 'on',
  scrollBeyondLastLine: false,
  fontSize: 13,
  renderValidationDecorations: 'on',
  automaticLayout: true,
} as const;

/** Memoized: typing elsewhere on the page (or in the other template) never re-renders this editor. */
export const TemplateEditor = memo(function TemplateEditor({
  modelPath,
  initialValue,
  onChange,
  readOnly,
  variables,
  check,
  ariaLabel,
  invalid,
}: TemplateEditorProps) {
  const [editor, setEditor] = useState<monaco.editor.IStandaloneCodeEditor | null>(null);
  const model = editor?.getModel() ?? null;
  // Tab moves focus by default, so the keyboard can leave the editor; Ctrl+M lets Tab insert tabs.
  const [tabInserts, setTabInserts] = useState(false);
  const hintId = useId();
  const theme = useMonacoTheme();
  const variablesRef = useRef(variables);
  useEffect(() => {
    variablesRef.current = variables;
  }, [variables]);

  const options = useMemo(
    () => ({ ...BASE_OPTIONS, readOnly, ariaLabel, tabFocusMode: !tabInserts }),
    [readOnly, ariaLabel, tabInserts],
  );
  const onMount: OnMount = (mounted) => {
    // The Control key on every platform (Cmd+M minimises the window on macOS; Monaco calls Control
    // WinCtrl there and CtrlCmd elsewhere), replacing Monaco's own toggle, which flips a global flag
    // that our per-editor option would override.
    const control = /Mac|iPhone|iPad/.test(navigator.userAgent)
      ? monaco.KeyMod.WinCtrl
      : monaco.KeyMod.CtrlCmd;
    mounted.addCommand(control | monaco.KeyCode.KeyM, () => setTabInserts((on) => !on));
    setEditor(mounted);
  };

  // Monaco owns its input element: describe it with the hint and mark it invalid for assistive tech.
  useEffect(() => {
    // Monaco 0.57 types into an EditContext element; older modes use the input text area.
    const textArea = editor?.getDomNode()?.querySelector('.native-edit-context, textarea.inputarea');
    if (!textArea) return;
    textArea.setAttribute('aria-describedby', hintId);
    textArea.setAttribute('aria-invalid', String(invalid));
  }, [editor, hintId, invalid]);

  useEffect(() => {
    if (!model) return;
    const completion = registerLiquidCompletion(model, () => variablesRef.current);
    return () => completion.dispose();
  }, [model]);

  useEffect(() => {
    if (!model || model.isDisposed()) return;
    setTemplateMarkers(model, [
      ...(check?.errors ?? []).map((e) => ({ ...e, severity: 'error' as const })),
      ...(check?.undeclared ?? []).map((u) => ({
        message: `"${u.name}" is not a declared variable: add it to the variables table or remove it.`,
        line: u.line,
        column: u.column,
        length: u.name.length,
        severity: 'error' as const,
      })),
    ]);
  }, [model, check]);

  return (
    <>
      <Editor
        height="12rem"
        path={modelPath}
        language={LIQUID_LANGUAGE_ID}
        defaultValue={initialValue}
        onChange={(next) => onChange(next ?? '')}
        onMount={onMount}
        options={options}
        theme={theme}
      />
      <p
        id={hintId}
        data-testid="tab-hint"
        className="border-t border-zinc-200 bg-zinc-50 px-2 py-1 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-400"
      >
        {tabInserts
          ? 'Tab inserts a tab · Ctrl+M: Tab moves focus again'
          : 'Tab moves focus · Ctrl+M: Tab inserts a tab'}
      </p>
    </>
  );
});
