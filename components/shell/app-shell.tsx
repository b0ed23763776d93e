'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** Where the sidebar stops being a menu and stays on screen (Tailwind's lg). */
const WIDE_SCREEN = '(min-width: 1024px)';

/**
 * The studio's frame: a sidebar beside the page on wide screens; on narrow ones a top bar whose
 * Menu button opens the sidebar over the page (a disclosure: aria-expanded, Escape or a link
 * closes it, focus moves in and back, the page behind is inert). Server-rendered parts come in
 * as props so this stays the only client code of the frame.
 */
export function AppShell({
  topBar,
  sidebar,
  children,
}: {
  /** What the narrow screens' top bar shows beside the Menu button. */
  topBar: ReactNode;
  sidebar: ReactNode;
  children: ReactNode;
}) {
  const [isOpen, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const sidebarId = useId();

  // Closing by Escape or the Close button gives focus back to Menu, once the page behind is no
  // longer inert (focusing it before the re-render would fail silently).
  const shouldRestoreFocus = useRef(false);
  const close = () => {
    shouldRestoreFocus.current = true;
    setOpen(false);
  };

  useEffect(() => {
    if (!isOpen) {
      if (shouldRestoreFocus.current) menuButton.current?.focus();
      shouldRestoreFocus.current = false;
      return;
    }
    closeButton.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        shouldRestoreFocus.current = true;
        setOpen(false);
      }
    };
    // Growing past the breakpoint shows the sidebar anyway: drop the overlay and its inert page.
    const wide = window.matchMedia(WIDE_SCREEN);
    const onWide = () => wide.matches && setOpen(false);
    document.addEventListener('keydown', onKeyDown);
    wide.addEventListener('change', onWide);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      wide.removeEventListener('change', onWide);
    };
  }, [isOpen]);

  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-zinc-900 dark:text-zinc-50"
      >
        Skip to content
      </a>
      <header
        inert={isOpen}
        className="sticky top-0 z-20 flex items-center gap-3 border-b border-zinc-200 bg-white/95 px-4 py-2 backdrop-blur lg:hidden dark:border-zinc-800 dark:bg-zinc-950/95"
      >
        <button
          ref={menuButton}
          type="button"
          aria-expanded={isOpen}
          aria-controls={sidebarId}
          onClick={() => setOpen(true)}
          className="-ml-2 inline-flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
        >
          <MenuIcon />
          Menu
        </button>
        {topBar}
      </header>
      {isOpen ? (
        <div
          aria-hidden="true"
          className="fixed inset-0 z-30 bg-zinc-950/40 lg:hidden"
          onClick={() => setOpen(false)}
        />
      ) : null}
      <aside
        id={sidebarId}
        aria-label="Sidebar"
        // A followed link closes the menu: the page it opens is what the user asked for.
        onClick={(event) => {
          if ((event.target as HTMLElement).closest('a')) setOpen(false);
        }}
        className={`${
          isOpen ? 'fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] shadow-xl' : 'hidden'
        } flex-col gap-6 overflow-y-auto border-r border-zinc-200 bg-white px-3 py-4 lg:sticky lg:top-0 lg:flex lg:h-screen lg:w-56 lg:shrink-0 lg:shadow-none dark:border-zinc-800 dark:bg-zinc-950`}
      >
        <button
          ref={closeButton}
          type="button"
          onClick={close}
          className="absolute top-3 right-3 rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 lg:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          Close<span className="sr-only"> menu</span>
        </button>
        {sidebar}
      </aside>
      <main
        id="main"
        tabIndex={-1}
        inert={isOpen}
        // The page never scrolls sideways: content too wide for a phone scrolls inside main.
        className="min-w-0 flex-1 overflow-x-auto px-4 py-5 focus:outline-none sm:px-6 lg:px-8 lg:py-6"
      >
        {children}
      </main>
    </div>
  );
}

function MenuIcon() {
  return (
    <svg
      viewBox="0 0 20 20"
      aria-hidden="true"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
    >
      <path d="M3 5h14M3 10h14M3 15h14" strokeLinecap="round" />
    </svg>
  );
}
