import { html, type SafeHtml } from '../html.js';

/**
 * Small charts drawn by the hub as inline SVG: no script, no library, nothing from a CDN, and the page's CSP
 * (styles from the hub's stylesheet only) holds, because colours come from classes, not style attributes.
 * Labels go through the escaping `html` tag like every other value.
 */

const BAR = 6;
const GAP = 2;
const HEIGHT = 28;

export interface BarPoint {
  /** What the bar's tooltip says: "2026-12-01: 3 deployments, 1 failed". */
  label: string;
  value: number;
  /** The part of the bar drawn as failed. */
  failed: number;
}

/** Deployments per interval as bars, the failed part of each in the failure colour; one scale per chart. */
export function barChart(points: readonly BarPoint[], label: string): SafeHtml {
  const max = Math.max(1, ...points.map((point) => point.value));
  const width = Math.max(1, points.length * (BAR + GAP) - GAP);
  const bars = points.map((point, index) => {
    const x = index * (BAR + GAP);
    const height = point.value === 0 ? 0 : Math.max(2, Math.round((point.value / max) * (HEIGHT - 2)));
    const failed = point.failed === 0 ? 0 : Math.max(1, Math.round((point.failed / max) * (HEIGHT - 2)));
    return html`<g
      ><title>${point.label}</title><rect class="chart-slot" x="${x}" y="0" width="${BAR}" height="${HEIGHT}"></rect>${
        height > 0
          ? html`<rect class="chart-bar" x="${x}" y="${HEIGHT - height}" width="${BAR}" height="${height}"></rect>`
          : html``
      }${failed > 0 ? html`<rect class="chart-failed" x="${x}" y="${HEIGHT - failed}" width="${BAR}" height="${failed}"></rect>` : html``}</g
    >`;
  });
  return html`<svg
    class="chart"
    role="img"
    aria-label="${label}"
    width="${width}"
    height="${HEIGHT}"
    viewBox="0 0 ${width} ${HEIGHT}"
  >
    ${bars}
  </svg>`;
}

/** A share (change failure rate) as a filled bar; nothing measured draws an empty outline. */
export function meter(share: number | null, label: string): SafeHtml {
  const width = 60;
  const filled = share === null ? 0 : Math.round(Math.min(1, Math.max(0, share)) * width);
  return html`<svg class="meter" role="img" aria-label="${label}" width="${width}" height="8" viewBox="0 0 ${width} 8">
    <rect class="meter-track" x="0" y="0" width="${width}" height="8"></rect>
    ${filled > 0 ? html`<rect class="meter-fill" x="0" y="0" width="${filled}" height="8"></rect>` : html``}
  </svg>`;
}

/** Median and 90th percentile on one axis (0 to the larger p90 of the page), so rows compare at a glance. */
export function spread(medianMs: number | null, p90Ms: number | null, scaleMs: number, label: string): SafeHtml {
  const width = 80;
  if (medianMs === null || p90Ms === null || scaleMs <= 0)
    return html`<svg
      class="spread"
      role="img"
      aria-label="${label}"
      width="${width}"
      height="8"
      viewBox="0 0 ${width} 8"
    >
      <rect class="meter-track" x="0" y="3" width="${width}" height="2"></rect>
    </svg>`;
  const at = (ms: number) => Math.round(Math.min(1, ms / scaleMs) * (width - 4));
  return html`<svg class="spread" role="img" aria-label="${label}" width="${width}" height="8" viewBox="0 0 ${width} 8">
    <rect class="meter-track" x="0" y="3" width="${width}" height="2"></rect>
    <rect
      class="spread-range"
      x="${at(medianMs)}"
      y="2"
      width="${Math.max(2, at(p90Ms) - at(medianMs))}"
      height="4"
    ></rect>
    <rect class="spread-median" x="${at(medianMs)}" y="0" width="3" height="8"></rect>
  </svg>`;
}
