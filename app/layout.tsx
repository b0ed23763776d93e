import '@fontsource-variable/inter';
import './globals.css';
import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { ThemeBootFallback } from '@/components/shell/theme-boot-fallback';
import { THEME_BOOT_SCRIPT } from '@/lib/client/theme-boot';

export const metadata: Metadata = {
  title: { default: 'Loom Studio', template: '%s · Loom Studio' },
  description: 'Manage, test and ship LLM prompts.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, even the 404 page: Next puts the proxy's CSP nonce on its scripts only
  // then, and the theme boot script needs the same nonce.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    // The boot script sets data-theme before hydration, so React must not flag the difference.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Inline and first: the saved theme applies before the first paint (no flash). */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">
        <ThemeBootFallback />
        {children}
      </body>
    </html>
  );
}
