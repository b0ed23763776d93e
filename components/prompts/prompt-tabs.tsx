'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The tabs of one prompt's pages; each is its own route so it loads only what it needs. */
export function PromptTabs({ promptId }: { promptId: string }) {
  const pathname = usePathname();
  const base = `/prompts/${encodeURIComponent(promptId)}`;
  const tabs = [
    { href: base, label: 'Editor' },
    { href: `${base}/history`, label: 'History' },
    { href: `${base}/playground`, label: 'Playground' },
    { href: `${base}/experiments`, label: 'Experiments' },
    { href: `${base}/metrics`, label: 'Metrics' },
  ];
  return (
    // Five tabs outgrow a phone's width: they scroll sideways instead of widening the page.
    <nav
      aria-label="Prompt"
      className="flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800"
    >
      {tabs.map((tab) => {
        const active = tab.href === base ? pathname === base : pathname.startsWith(tab.href);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? 'page' : undefined}
            className={`-mb-px shrink-0 border-b-2 px-2 py-2 text-sm whitespace-nowrap sm:px-3 ${
              active
                ? 'border-accent font-medium text-zinc-900 dark:text-zinc-50'
                : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200'
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
