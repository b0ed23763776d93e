'use client';

// Monaco for one template. Loaded only through TemplateEditorLazy (next/dynamic, ssr: false).
import { Editor, type OnMount } from '@monaco-editor/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import {
  LIQUID_LANGUAGE_ID,
  registerLiquidCompletion,
  setTemplateMarkers,
  type monaco,
} from './monaco-setup';
import type { TemplateCheck } from './types';

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
}: TemplateEditorProps) {
  const [model, setModel] = useState<monaco.editor.ITextModel | null>(null);
  const variablesRef = useRef(variables);
  useEffect(() => {
    variablesRef.current = variables;
  }, [variables]);

  const options = useMemo(() => ({ ...BASE_OPTIONS, readOnly, ariaLabel }), [readOnly, ariaLabel]);
  const onMount: OnMount = (editor) => setModel(editor.getModel());

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
    <Editor
      height="12rem"
      path={modelPath}
      language={LIQUID_LANGUAGE_ID}
      defaultValue={initialValue}
      onChange={(next) => onChange(next ?? '')}
      onMount={onMount}
      options={options}
    />
  );
});
