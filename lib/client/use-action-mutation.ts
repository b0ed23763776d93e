'use client';

import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { ActionFailure, type ActionResult } from './action-result';

/**
 * Runs a server action as a react-query mutation: a failed result becomes an ActionFailure (with
 * field errors), success invalidates the given queries and refreshes server components.
 */
export function useActionMutation<I, T>(
  action: (input: I) => Promise<ActionResult<T>>,
  options: { invalidate?: QueryKey[]; onSuccess?: (data: T) => void } = {},
) {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation<T, ActionFailure, I>({
    mutationFn: async (input) => {
      const result = await action(input);
      if (!result.ok) throw new ActionFailure(result.error);
      return result.data;
    },
    onSuccess: async (data) => {
      await Promise.all(
        (options.invalidate ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      router.refresh();
      options.onSuccess?.(data);
    },
  });
}
