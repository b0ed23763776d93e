/**
 * A row's cost over the range as a tiny line: plain SVG (no chart library), so a table of a
 * hundred rows stays cheap. The label says what it shows for screen readers.
 */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 96;
  const height = 24;
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((value, i) => {
      const y = max > 0 ? height - 2 - (value / max) * (height - 4) : height - 2;
      return `${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      className="text-accent dark:text-accent-soft"
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
