/** Problems shown right where the user is looking; nothing when there are none. */
export function IssueList({ messages, testId }: { messages: readonly string[]; testId?: string }) {
  if (messages.length === 0) return null;
  return (
    <ul role="alert" data-testid={testId} className="space-y-0.5 text-xs text-red-600 dark:text-red-400">
      {messages.map((message, index) => (
        <li key={index}>{message}</li>
      ))}
    </ul>
  );
}
