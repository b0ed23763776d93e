'use client';

// The one place Monaco is loaded. Import this module only from components that are themselves
// loaded with next/dynamic(..., { ssr: false }): Monaco is about 4 MB and must never land in a
// shared chunk or run on the server.
import { loader } from '@monaco-editor/react';
import * as monaco from './monaco-core';

export type Monaco = typeof monaco;
export const LIQUID_LANGUAGE_ID = 'liquid';

// Bundled with the app, never fetched from a CDN: the worker comes from the package's exported
// path so the bundler emits it as its own file. Every language we use runs on the editor worker.
self.MonacoEnvironment = {
  getWorker: () =>
    new Worker(new URL('monaco-editor/editor/editor.worker', import.meta.url), { type: 'module' }),
};
loader.config({ monaco });

/** Liquid keywords the template engine accepts (file tags such as include/render are rejected by it). */
const LIQUID_KEYWORDS = [
  'if',
  'elsif',
  'else',
  'endif',
  'unless',
  'endunless',
  'case',
  'when',
  'endcase',
  'for',
  'endfor',
  'in',
  'break',
  'continue',
  'assign',
  'capture',
  'endcapture',
  'increment',
  'decrement',
  'cycle',
  'tablerow',
  'endtablerow',
  'raw',
  'endraw',
  'comment',
  'endcomment',
  'liquid',
  'echo',
  'and',
  'or',
  'contains',
  'true',
  'false',
  'nil',
  'empty',
  'blank',
];

/** LiquidJS's standard filters, offered after `|`. */
export const LIQUID_FILTERS = [
  'abs',
  'append',
  'at_least',
  'at_most',
  'capitalize',
  'ceil',
  'compact',
  'concat',
  'date',
  'default',
  'divided_by',
  'downcase',
  'escape',
  'escape_once',
  'first',
  'floor',
  'join',
  'json',
  'last',
  'lstrip',
  'map',
  'minus',
  'modulo',
  'newline_to_br',
  'plus',
  'prepend',
  'remove',
  'remove_first',
  'replace',
  'replace_first',
  'reverse',
  'round',
  'rstrip',
  'size',
  'slice',
  'sort',
  'sort_natural',
  'split',
  'strip',
  'strip_html',
  'strip_newlines',
  'times',
  'truncate',
  'truncatewords',
  'uniq',
  'upcase',
  'url_decode',
  'url_encode',
  'where',
];

const liquidTokens: monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  keywords: LIQUID_KEYWORDS,
  tokenizer: {
    root: [
      [/\{%-?\s*comment\s*-?%\}/, { token: 'comment', next: '@comment' }],
      [/\{\{-?/, { token: 'delimiter.liquid', next: '@output' }],
      [/\{%-?/, { token: 'delimiter.liquid', next: '@tag' }],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
    comment: [
      [/\{%-?\s*endcomment\s*-?%\}/, { token: 'comment', next: '@pop' }],
      [/[^{]+/, 'comment'],
      [/\{/, 'comment'],
    ],
    output: [[/-?\}\}/, { token: 'delimiter.liquid', next: '@pop' }], { include: '@expression' }],
    tag: [[/-?%\}/, { token: 'delimiter.liquid', next: '@pop' }], { include: '@expression' }],
    expression: [
      [/\|\s*/, { token: 'operator', next: '@filter' }],
      [/"[^"]*"|'[^']*'/, 'string'],
      [/-?\d+(\.\d+)?/, 'number'],
      [/(==|!=|<=|>=|<|>|\.\.)/, 'operator'],
      [/[A-Za-z_][\w-]*/, { cases: { '@keywords': 'keyword', '@default': 'variable' } }],
      [/[.,:[\]()]/, 'delimiter'],
      [/\s+/, ''],
    ],
    filter: [
      [/[A-Za-z_]\w*/, { token: 'type.filter', next: '@pop' }],
      [/\s+/, ''],
      [/./, { token: '@rematch', next: '@pop' }],
    ],
  },
};

monaco.languages.register({ id: LIQUID_LANGUAGE_ID });
monaco.languages.setMonarchTokensProvider(LIQUID_LANGUAGE_ID, liquidTokens);
monaco.languages.setLanguageConfiguration(LIQUID_LANGUAGE_ID, {
  brackets: [
    ['{{', '}}'],
    ['{%', '%}'],
  ],
  // No auto-closing: `{{` typed in prose is common and an inserted ` }}` would corrupt it.
  autoClosingPairs: [],
});

/** True when the text before the cursor is inside an open `{{` or `{%`. */
function insideLiquid(before: string): boolean {
  const open = Math.max(before.lastIndexOf('{{'), before.lastIndexOf('{%'));
  const close = Math.max(before.lastIndexOf('}}'), before.lastIndexOf('%}'));
  return open > close;
}

/**
 * Completes declared variables inside `{{ }}`/`{% %}` and filters after `|`, for ONE model only,
 * so several editors on a page each complete their own prompt's variables. Dispose on unmount.
 */
export function registerLiquidCompletion(
  model: monaco.editor.ITextModel,
  variables: () => readonly { name: string; description?: string }[],
): monaco.IDisposable {
  return monaco.languages.registerCompletionItemProvider(LIQUID_LANGUAGE_ID, {
    triggerCharacters: ['{', ' ', '|'],
    provideCompletionItems(target, position) {
      if (target !== model) return { suggestions: [] };
      const before = target.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      if (!insideLiquid(before)) return { suggestions: [] };
      const word = target.getWordUntilPosition(position);
      const range = {
        startLineNumber: position.lineNumber,
        endLineNumber: position.lineNumber,
        startColumn: word.startColumn,
        endColumn: word.endColumn,
      };
      const afterPipe = /\|\s*[\w]*$/.test(before);
      if (afterPipe) {
        return {
          suggestions: LIQUID_FILTERS.map((filter) => ({
            label: filter,
            kind: monaco.languages.CompletionItemKind.Function,
            insertText: filter,
            range,
          })),
        };
      }
      return {
        suggestions: variables().map((variable) => ({
          label: variable.name,
          kind: monaco.languages.CompletionItemKind.Variable,
          insertText: variable.name,
          detail: 'variable',
          documentation: variable.description,
          range,
        })),
      };
    },
  });
}

/** One problem of the template package's analysis, 1-based like Monaco. */
export interface TemplateMarker {
  message: string;
  line: number;
  column: number;
  /** Characters to underline; the word at the position when omitted. */
  length?: number;
  severity: 'error' | 'warning';
}

/** Replaces the model's Liquid markers (owner "loom") with `markers`. */
export function setTemplateMarkers(
  model: monaco.editor.ITextModel,
  markers: readonly TemplateMarker[],
): void {
  monaco.editor.setModelMarkers(
    model,
    'loom',
    markers.map((marker) => {
      const line = Math.min(Math.max(marker.line, 1), model.getLineCount());
      const word = model.getWordAtPosition({ lineNumber: line, column: marker.column });
      const end = marker.length
        ? marker.column + marker.length
        : (word?.endColumn ?? model.getLineMaxColumn(line));
      return {
        message: marker.message,
        severity: marker.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        startLineNumber: line,
        startColumn: marker.column,
        endLineNumber: line,
        endColumn: Math.max(end, marker.column + 1),
      };
    }),
  );
}

export { monaco };
