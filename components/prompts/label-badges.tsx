/** Labels as badges (long ones truncated, in full on hover); production stands out because it is what applications fetch. */
export function LabelBadges({ labels }: { labels: Record<string, number> }) {
  const entries = Object.entries(labels).sort(([a], [b]) =>
    a === 'production' ? -1 : b === 'production' ? 1 : a.localeCompare(b),
  );
  if (entries.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {entries.map(([label, version]) => (
        <span
          key={label}
          data-testid={`label-${label}`}
          title={`${label} · v${version}`}
          className={`max-w-48 truncate rounded-full px-2 py-0.5 text-xs font-medium ${
            label === 'production'
              ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
              : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
          }`}
        >
          {label} · v{version}
        </span>
      ))}
    </span>
  );
}
