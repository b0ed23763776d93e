import 'server-only';
import { isLoomError } from '@/lib/loom/core';
import { outputBlobSchema, readOffloadedOutput } from '@/lib/loom/evaluator';
import { logger } from '../logger';
import { getBlobStore } from '../loom';

/**
 * The whole output of a stored case result (the JSON of SuiteCaseResult.result): the inline text,
 * or, when the run store offloaded it (`outputBlob`), the text read back from the blob store. Rows
 * keep only a preview of such outputs, so anything that shows a case's whole output reads it here.
 * A blob gone missing (a bucket emptied by hand) shows the preview with a note, not a failed page.
 */
export async function fullOutputOf(result: unknown): Promise<string | null> {
  const record = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
  const inline = typeof record.output === 'string' ? record.output : null;
  const ref = outputBlobSchema.safeParse(record.outputBlob);
  if (!ref.success) return inline;
  try {
    return await readOffloadedOutput(getBlobStore(), ref.data);
  } catch (error) {
    if (!isLoomError(error, 'NOT_FOUND')) throw error;
    logger.warn({ key: ref.data.key }, 'offloaded case output missing from the blob store');
    return `${inline ?? ''}\n\n[The rest of this output (${ref.data.bytes} bytes in all) is missing from the blob store.]`;
  }
}
