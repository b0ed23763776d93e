import type { Message } from '@/lib/loom/core/prompt';

/** The messages a run sent to the provider, exactly as rendered (system, examples, user). */
export function RenderedMessages({ messages, open = false }: { messages: Message[]; open?: boolean }) {
  return (
    <details open={open} className="rounded-md border border-zinc-200 text-sm dark:border-zinc-800">
      <summary className="cursor-pointer px-3 py-2 font-medium">Messages sent ({messages.length})</summary>
      <ol className="space-y-2 px-3 pb-3" aria-label="Messages sent">
        {messages.map((message, index) => (
          <li key={index} data-testid="sent-message">
            <span className="text-xs font-semibold text-zinc-500 uppercase">{message.role}</span>
            <pre className="mt-0.5 rounded bg-zinc-50 p-2 text-xs break-words whitespace-pre-wrap dark:bg-zinc-950">
              {message.content}
            </pre>
          </li>
        ))}
      </ol>
    </details>
  );
}
