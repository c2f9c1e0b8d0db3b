/** @jsxImportSource hono/jsx */
/**
 * Small server-drawn SVG charts for the KPI page: no script, no chart library. Each has a title and
 * a description (what a screen reader says), scales to its box (viewBox, width 100%), and takes
 * its colours from console.css (`c-s0` … `c-s7`), so the legend (HTML, wraps on a phone) matches.
 * The page puts the same figures in a table beside each one.
 */
import type { Child } from 'hono/jsx';

const W = 400;
export const seriesClass = (i: number) => `c-s${i % 8}`;

type TChartText = { id: string; title: string; desc: string };

const Frame = (props: TChartText & { height: number; children: Child }) => (
  <svg
    class="c-chart"
    viewBox={`0 0 ${W} ${props.height}`}
    width="100%"
    role="img"
    aria-labelledby={`${props.id}-title ${props.id}-desc`}
  >
    <title id={`${props.id}-title`}>{props.title}</title>
    <desc id={`${props.id}-desc`}>{props.desc}</desc>
    {props.children}
  </svg>
);

/** Horizontal bars of shares (0–1): one row per item, its label above its bar and the share after it. */
export function ShareBars(
  props: TChartText & { items: { label: string; share: number | null; note: string }[] },
) {
  const row = 38;
  const left = 4;
  const width = W - 90;
  return (
    <Frame {...props} height={Math.max(1, props.items.length) * row + 6}>
      {props.items.map((item, i) => {
        const y = i * row;
        const w = Math.max(0, Math.min(1, item.share ?? 0)) * width;
        return (
          <g>
            <text x={left} y={y + 13} class="c-chart-label">
              {item.label}
            </text>
            <rect x={left} y={y + 18} width={width} height={14} class="c-chart-track" rx={2} />
            <rect
              x={left}
              y={y + 18}
              width={w}
              height={14}
              class={item.share === null ? '' : 'c-s0'}
              rx={2}
            />
            <text x={left + width + 6} y={y + 30} class="c-chart-value">
              {item.note}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

/** Columns for categories, each stacked from its series' values (bottom up, in series order). */
export function StackedColumns(
  props: TChartText & { categories: string[]; series: { values: number[] }[]; max: number },
) {
  const height = 220;
  const top = 14;
  const bottom = 30;
  const plot = height - top - bottom;
  const slot = (W - 30) / Math.max(1, props.categories.length);
  const barWidth = Math.min(56, slot * 0.6);
  const scale = (v: number) => (props.max > 0 ? (v / props.max) * plot : 0);
  return (
    <Frame {...props} height={height}>
      <line x1={26} x2={W} y1={top + plot} y2={top + plot} class="c-chart-axis" />
      <text x={22} y={top + 4} class="c-chart-tick" text-anchor="end">
        {props.max}
      </text>
      <text x={22} y={top + plot} class="c-chart-tick" text-anchor="end">
        0
      </text>
      {props.categories.map((category, c) => {
        const x = 30 + c * slot + (slot - barWidth) / 2;
        let y = top + plot;
        const total = props.series.reduce((n, s) => n + (s.values[c] ?? 0), 0);
        return (
          <g>
            {props.series.map((s, i) => {
              const h = scale(s.values[c] ?? 0);
              y -= h;
              return h > 0 ? <rect x={x} y={y} width={barWidth} height={h} class={seriesClass(i)} /> : null;
            })}
            <text
              x={x + barWidth / 2}
              y={top + plot - scale(total) - 3}
              class="c-chart-value"
              text-anchor="middle"
            >
              {total}
            </text>
            <text x={x + barWidth / 2} y={height - 12} class="c-chart-tick" text-anchor="middle">
              {category}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

/** Lines over time buckets, one per series; the first, middle and last buckets are labelled. */
export function Lines(props: TChartText & { labels: string[]; series: { values: number[] }[] }) {
  const height = 220;
  const top = 12;
  const bottom = 30;
  const left = 34;
  const plot = height - top - bottom;
  const n = props.labels.length;
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const x = (i: number) => left + (n > 1 ? (i / (n - 1)) * (W - left - 8) : (W - left) / 2);
  const y = (v: number) => top + plot - (v / max) * plot;
  const ticks = [...new Set([0, Math.floor((n - 1) / 2), n - 1])].filter((i) => i >= 0 && i < n);
  return (
    <Frame {...props} height={height}>
      <line x1={left} x2={W} y1={top + plot} y2={top + plot} class="c-chart-axis" />
      <line x1={left} x2={W} y1={top} y2={top} class="c-chart-grid" />
      <text x={left - 4} y={top + 4} class="c-chart-tick" text-anchor="end">
        {max}
      </text>
      <text x={left - 4} y={top + plot} class="c-chart-tick" text-anchor="end">
        0
      </text>
      {ticks.map((i) => (
        <text
          x={x(i)}
          y={height - 12}
          class="c-chart-tick"
          text-anchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'}
        >
          {props.labels[i]}
        </text>
      ))}
      {props.series.map((s, i) =>
        n === 1 ? (
          <circle cx={x(0)} cy={y(s.values[0] ?? 0)} r={3} class={seriesClass(i)} />
        ) : (
          <polyline
            points={s.values.map((v, j) => `${x(j).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
            class={`c-chart-line ${seriesClass(i)}`}
          />
        ),
      )}
    </Frame>
  );
}

/** The key to a chart's colours. */
export const Legend = ({ names }: { names: string[] }) => (
  <ul class="c-legend">
    {names.map((name, i) => (
      <li>
        <span class={`c-swatch ${seriesClass(i)}`} aria-hidden="true"></span>
        {name}
      </li>
    ))}
  </ul>
);
