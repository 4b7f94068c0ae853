/**
 * The house look of every figure: white background, DejaVu Sans at sizes that stay legible
 * when a 2x PNG is shrunk into a page, light grid, thin panel frames, and the colour-blind
 * friendly `tableau10` palette for categories (`viridis` for ramps, set per chart).
 */
import type { Config } from 'vega-lite';
import { FONT_FAMILY } from './fonts.js';

const INK = '#222222';
const MUTED = '#555555';

/** Vega-lite config merged under each spec's own `config` (the spec wins). */
export const publicationTheme: Config = {
  background: 'white',
  padding: 12,
  font: `${FONT_FAMILY}, Helvetica, Arial, sans-serif`,
  title: { fontSize: 16, fontWeight: 'bold', color: INK, anchor: 'start', offset: 12, subtitleFontSize: 12, subtitleColor: MUTED },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelColor: INK,
    titleColor: INK,
    domainColor: MUTED,
    tickColor: MUTED,
    gridColor: '#e8e8e8',
    titlePadding: 6,
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelColor: INK,
    titleColor: INK,
    symbolStrokeWidth: 2,
    labelLimit: 260,
  },
  header: { labelFontSize: 12, labelFontWeight: 'bold', labelColor: INK, titleFontSize: 12, labelPadding: 6 },
  view: { stroke: '#cccccc' },
  range: { category: { scheme: 'tableau10' }, ramp: { scheme: 'viridis' } },
  line: { strokeWidth: 1.6 },
  point: { filled: true, size: 28, opacity: 0.75 },
  bar: { cornerRadiusEnd: 1 },
  facet: { spacing: 14 },
  concat: { spacing: 24 },
};
