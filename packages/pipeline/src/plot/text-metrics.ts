/**
 * Text widths for vega's layout without a canvas. Headless vega guesses a string's width as
 * 0.8 x fontSize per character, about 40 % wider than DejaVu Sans really is (lowercase
 * averages 0.56 em): panels are pushed apart to make room for headers that are in fact much
 * shorter. vega lets a program replace that guess (`textMetrics.width`, the hook vl-convert
 * uses), so we give it the real advance widths of DejaVu Sans and DejaVu Sans Bold, the fonts
 * the PNG is drawn with. The tables are fixed, not read from the font at run time, so the
 * layout (and the SVG) is the same on machines without the font.
 */
import * as vega from 'vega';

/**
 * Advance widths in 1/1000 em of DejaVu Sans 2.37 (regular, bold) for U+0020..U+007E, then for
 * the characters of {@link EXTRA}, read from the `hmtx` table via the `cmap` of
 * /usr/share/fonts/truetype/dejavu/DejaVuSans{,-Bold}.ttf (advance / unitsPerEm 2048).
 */
const ASCII_REGULAR =
  '318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,636,636,636,636,636,636,636,636,636,636,337,337,838,838,838,531,1000,684,686,698,770,632,575,775,752,295,295,656,557,863,748,787,603,787,695,635,611,732,684,989,685,611,685,390,337,390,838,500,500,613,635,550,635,615,352,635,634,278,278,579,278,974,634,612,635,635,411,521,392,634,592,818,592,592,525,636,337,636,838';
const ASCII_BOLD =
  '348,456,521,838,696,1002,872,306,457,457,523,838,380,415,380,365,696,696,696,696,696,696,696,696,696,696,400,400,838,838,838,580,1000,774,762,734,830,683,683,821,837,372,372,775,637,995,837,850,733,850,770,720,682,812,774,1103,771,724,725,457,365,457,838,500,500,675,716,593,716,678,435,716,712,343,343,665,343,1042,712,687,716,716,493,595,478,712,652,924,645,652,582,712,365,712,838';
const EXTRA = 'αβγδεθλμνπρστφχψωΔΣΩ→←−–—…×·°²³₀₁₂₃₄₅₆₇₈₉éü';
const EXTRA_REGULAR =
  '659,638,592,612,540,612,592,636,559,602,635,634,602,660,578,660,837,684,632,764,838,838,838,500,1000,1000,838,318,500,401,401,401,401,401,401,401,401,401,401,401,401,401,615,634';
const EXTRA_BOLD =
  '687,716,681,687,557,687,633,736,681,791,716,779,638,782,645,794,869,774,683,850,838,838,838,500,1000,1000,838,380,500,438,438,438,438,438,438,438,438,438,438,438,438,438,678,712';
/** Width of any other character: a generous lowercase-to-capital average, in 1/1000 em. */
const OTHER_WIDTH = 700;

function buildTable(ascii: string, extra: string): Map<string, number> {
  const table = new Map<string, number>();
  ascii.split(',').forEach((w, i) => table.set(String.fromCharCode(32 + i), Number(w)));
  const extraChars = [...EXTRA];
  extra.split(',').forEach((w, i) => table.set(extraChars[i]!, Number(w)));
  return table;
}

const REGULAR = buildTable(ASCII_REGULAR, EXTRA_REGULAR);
const BOLD = buildTable(ASCII_BOLD, EXTRA_BOLD);

/** The part of a vega scenegraph text item that decides its width. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/** Width in pixels of `text` set in DejaVu Sans (bold for weights >= 600) at `fontSize` px. */
export function measureTextWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) units += table.get(ch) ?? OTHER_WIDTH;
  return (units / 1000) * fontSize;
}

/**
 * vega's `textMetrics.width(item, text)` contract: the width of the text as displayed. An item
 * with `limit` is displayed truncated to at most `limit` px, hence min(width, limit); that is
 * also exactly what vega's own truncation search needs, since it only compares widths with
 * values <= limit.
 */
function itemTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const line = text == null ? '' : String(text).trim();
  if (size <= 0 || line === '') return 0;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const width = measureTextWidth(line, size, bold);
  const limit = Number(item.limit);
  return limit > 0 ? Math.min(width, limit) : width;
}

/**
 * Points vega's text measurement at the DejaVu tables. Idempotent; affects every vega view of
 * this process that renders without a canvas, which is what we want for consistent figures.
 */
export function useDejaVuTextMetrics(): void {
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = itemTextWidth;
}
