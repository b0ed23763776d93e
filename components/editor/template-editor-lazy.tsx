'use client';

import dynamic from 'next/dynamic';

/** Monaco (about 4 MB) in its own chunk, fetched only when an editor route renders this. */
export const TemplateEditorLazy = dynamic(() => import('./template-editor').then((m) => m.TemplateEditor), {
  ssr: false,
  loading: () => (
    <div className="flex h-48 items-center justify-center text-sm text-zinc-500" data-testid="editor-loading">
      Loading editor…
    </div>
  ),
});
