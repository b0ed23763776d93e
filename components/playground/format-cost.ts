/** A run's cost in dollars; `null` means the model's price is unknown, which is not the same as free. */
export function formatCost(micros: number | null, model: string): string {
  if (micros === null) return `unknown (no price for ${model})`;
  return `$${(micros / 1_000_000).toFixed(6)}`;
}
