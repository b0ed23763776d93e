'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The tabs of one suite's pages (Cases, Evaluators, Runs, Revisions); each is its own route. */
export function SuiteTabs({ suiteId }: { suiteId: string }) {
  const pathname = usePathname();
  const base = `/suites/${encodeURIComponent(suiteId)}`;
  const tabs = [
    { href: base, label: 'Cases' },
    { href: `${base}/evaluators`, label: 'Evaluators' },
    { href: `${base}/runs`, label: 'Runs' },
    { href: `${base}/revisions`, label: 'Revisions' },
  ];
  return (
    <nav
      aria-label="Suite"
      className="flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800"
    >
      {tabs.map((tab) => {
        const active = tab.href === base ? pathname === base : pathname.startsWith(tab.href);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? 'page' : undefined}
            className={`-mb-px shrink-0 border-b-2 px-3 py-2 text-sm ${
              active
                ? 'border-accent font-medium text-zinc-900 dark:text-zinc-50'
                : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200'
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
