import { NotFoundMessage } from '@/components/shell/not-found-message';

/** A missing prompt or page inside the studio keeps the sidebar, so the way on is one click. */
export default function StudioNotFound() {
  return <NotFoundMessage />;
}
