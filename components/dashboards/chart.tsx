'use client';

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTheme } from '@/lib/client/theme';
import { formatAxis, formatBucket, formatValue } from './format';
import type { ChartSpec } from './chart-spec';

// recharts (about 100 KB gzip) lives only in this module, which chart-panel.tsx loads with
// next/dynamic: no page's first load carries it.

/** Distinct in both themes; the last colour is for "Other". Dark variants are lighter for contrast. */
const PALETTE = {
  light: ['#4f46e5', '#0891b2', '#d97706', '#db2777', '#16a34a', '#7c3aed'],
  dark: ['#818cf8', '#22d3ee', '#fbbf24', '#f472b6', '#4ade80', '#a78bfa'],
};
const OTHER = { light: '#71717a', dark: '#a1a1aa' };
const INK = {
  light: { axis: '#52525b', grid: '#e4e4e7', marker: '#b45309', tooltip: '#ffffff', border: '#d4d4d8' },
  dark: { axis: '#a1a1aa', grid: '#3f3f46', marker: '#fbbf24', tooltip: '#18181b', border: '#3f3f46' },
};

export function Chart({ spec }: { spec: ChartSpec }) {
  const theme = useTheme();
  const ink = INK[theme];
  const colour = (key: string, i: number) =>
    key === 'Other' ? OTHER[theme] : (PALETTE[theme][i % PALETTE[theme].length] ?? OTHER[theme]);
  const data = spec.points.map((point) => ({ t: point.t, ...point.values }));
  const tick = (t: string) => formatBucket(t, spec.grain, spec.timeZone);
  const common = {
    data,
    margin: { top: 8, right: 8, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke={ink.grid} strokeDasharray="3 3" vertical={false} />
      <XAxis
        dataKey="t"
        tickFormatter={tick}
        stroke={ink.axis}
        tick={{ fill: ink.axis, fontSize: 11 }}
        minTickGap={24}
      />
      <YAxis
        tickFormatter={(value: number) => formatAxis(value, spec.format)}
        stroke={ink.axis}
        tick={{ fill: ink.axis, fontSize: 11 }}
        width={68}
      />
      <Tooltip
        labelFormatter={(label) => tick(String(label))}
        formatter={(value, name) => [
          formatValue(Number(value), spec.format),
          spec.series.find((s) => s.key === name)?.label ?? String(name),
        ]}
        contentStyle={{ background: ink.tooltip, borderColor: ink.border, fontSize: 12 }}
        labelStyle={{ color: ink.axis }}
        cursor={{ fill: theme === 'dark' ? '#ffffff10' : '#00000008' }}
      />
      {spec.series.length > 1 ? (
        <Legend
          formatter={(key: string) => spec.series.find((s) => s.key === key)?.label ?? key}
          wrapperStyle={{ fontSize: 12, color: ink.axis }}
        />
      ) : null}
      {(spec.markers ?? []).map((marker) => (
        <ReferenceLine
          key={`${marker.t}-${marker.label}`}
          x={marker.t}
          stroke={ink.marker}
          strokeDasharray="4 2"
          label={{ value: marker.label, position: 'insideTopLeft', fill: ink.marker, fontSize: 11 }}
        />
      ))}
    </>
  );

  return (
    <ResponsiveContainer width="100%" height={spec.height ?? 240}>
      {spec.kind === 'bar' ? (
        <BarChart {...common}>
          {axes}
          {spec.series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              stackId={spec.stacked ? 'stack' : undefined}
              fill={colour(s.key, i)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      ) : spec.kind === 'area' ? (
        <AreaChart {...common}>
          {axes}
          {spec.series.map((s, i) => (
            <Area
              key={s.key}
              dataKey={s.key}
              type="monotone"
              stackId={spec.stacked ? 'stack' : undefined}
              stroke={colour(s.key, i)}
              fill={colour(s.key, i)}
              fillOpacity={0.25}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      ) : (
        <LineChart {...common}>
          {axes}
          {spec.series.map((s, i) => (
            <Line
              key={s.key}
              dataKey={s.key}
              type="monotone"
              stroke={colour(s.key, i)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </ResponsiveContainer>
  );
}
