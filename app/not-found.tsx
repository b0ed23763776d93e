import { NotFoundMessage } from '@/components/shell/not-found-message';

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <NotFoundMessage />
    </main>
  );
}
