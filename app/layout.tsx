import '@fontsource-variable/inter';
import './globals.css';
import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';

export const metadata: Metadata = {
  title: { default: 'Loom Studio', template: '%s · Loom Studio' },
  description: 'Manage, test and ship LLM prompts.',
  icons: { icon: '/favicon.svg' },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, even the 404 page: Next puts the proxy's CSP nonce on its scripts only then.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
