'use client';

// Loaded only through next/dynamic (ssr: false) from version-diff.tsx, so Monaco stays out of
// shared chunks and off the server.
import { DiffEditor } from '@monaco-editor/react';
import '../editor/monaco-setup';

export function MonacoDiff({ original, modified }: { original: string; modified: string }) {
  return (
    <DiffEditor
      height="32rem"
      language="yaml"
      original={original}
      modified={modified}
      options={{
        readOnly: true,
        originalEditable: false,
        renderSideBySide: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        wordWrap: 'on',
        diffWordWrap: 'on',
        automaticLayout: true,
      }}
    />
  );
}
