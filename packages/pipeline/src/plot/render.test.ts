import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PlotInputError, PlotRenderError } from './errors.js';
import { resolveFonts } from './fonts.js';
import { renderChart } from './render.js';
import { measureTextWidth } from './text-metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'penvae-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const lineSpec: TopLevelSpec = {
  title: 'A small line chart',
  width: 120,
  height: 80,
  data: { values: [0, 1, 2, 3, 4].map((x) => ({ x, y: x * x })) },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

/** Only text is dark here: big black letters, no axes, no frame. */
const textOnlySpec: TopLevelSpec = {
  width: 240,
  height: 60,
  data: { values: [{}] },
  mark: { type: 'text', fontSize: 40, color: 'black', text: 'HELLO' },
  config: { view: { stroke: null } },
};

/** Decodes an 8-bit RGBA, non-interlaced PNG (what resvg writes) to its pixels. */
function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]); // 8-bit, RGBA, not interlaced
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      rgba[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

function darkPixels(rgba: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! + rgba[i + 1]! + rgba[i + 2]! < 200) n++;
  return n;
}

describe('renderChart', () => {
  it('returns an SVG and a PNG of round(width x scale) pixels', async () => {
    const r = await renderChart(lineSpec, { png: true, scale: 1.5 });
    expect(r.svg.startsWith('<svg')).toBe(true);
    expect(r.svg).toContain('A small line chart');
    expect(r.warnings).toEqual([]);
    const png = r.png!;
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const decoded = decodePng(png);
    expect(decoded.width).toBe(Math.round(r.width * 1.5));
    expect(decoded.height).toBe(Math.round(r.height * 1.5));
    expect(r.width).toBeGreaterThan(120);
  });

  it('omits the PNG unless asked for', async () => {
    const r = await renderChart(lineSpec);
    expect(r.png).toBeUndefined();
  });

  it('draws text in the PNG (fonts are loaded)', async () => {
    const r = await renderChart(textOnlySpec, { png: true, scale: 1 });
    const { rgba, width, height } = decodePng(r.png!);
    // "HELLO" at 40 px covers a few hundred dark pixels; no fonts would leave none.
    expect(darkPixels(rgba)).toBeGreaterThan(300);
    expect(darkPixels(rgba)).toBeLessThan((width * height) / 4);
  });

  it('writes both files atomically and leaves no temporary file', async () => {
    const svgPath = join(dir, 'ok', 'chart.svg');
    const pngPath = join(dir, 'ok', 'chart.png');
    const r = await renderChart(lineSpec, { svgPath, pngPath });
    expect(readFileSync(svgPath, 'utf8')).toBe(r.svg);
    expect(new Uint8Array(readFileSync(pngPath))).toEqual(r.png);
    expect(readdirSync(join(dir, 'ok')).sort()).toEqual(['chart.png', 'chart.svg']);
  });

  it('leaves no file under the final name when the spec is invalid', async () => {
    const svgPath = join(dir, 'bad', 'chart.svg');
    const pngPath = join(dir, 'bad', 'chart.png');
    const invalid = { ...lineSpec, mark: 'no-such-mark' } as unknown as TopLevelSpec;
    await expect(renderChart(invalid, { svgPath, pngPath })).rejects.toBeInstanceOf(PlotRenderError);
    expect(existsSync(svgPath)).toBe(false);
    expect(existsSync(pngPath)).toBe(false);
  });

  it('keeps an existing file intact when a new rendering fails', async () => {
    const svgPath = join(dir, 'keep.svg');
    writeFileSync(svgPath, 'previous');
    const invalid = { ...lineSpec, mark: 'no-such-mark' } as unknown as TopLevelSpec;
    await expect(renderChart(invalid, { svgPath })).rejects.toThrow(/"A small line chart" could not be compiled/);
    expect(readFileSync(svgPath, 'utf8')).toBe('previous');
  });

  it.each([0, -1, NaN, Infinity])('rejects scale = %s', async (scale) => {
    await expect(renderChart(lineSpec, { png: true, scale })).rejects.toBeInstanceOf(PlotInputError);
  });

  it('reports missing font files as a warning and still renders', async () => {
    const r = await renderChart(lineSpec, { png: true, fontFiles: [join(dir, 'missing.ttf')] });
    expect(r.warnings.join('\n')).toMatch(/font files not found: .*missing\.ttf/);
    expect(r.png!.length).toBeGreaterThan(100);
  });

  it('collects vega-lite warnings instead of printing them', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const spec: TopLevelSpec = {
        ...lineSpec,
        encoding: { ...lineSpec.encoding, strokeWidth: { field: 'x', type: 'nominal' } },
      };
      const r = await renderChart(spec);
      expect(r.warnings.join('\n')).toMatch(/strokeWidth/);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('fonts and text metrics', () => {
  it('finds DejaVu Sans on this machine', () => {
    const fonts = resolveFonts();
    expect(fonts.warning).toBeUndefined();
    expect(fonts.files.some((f) => f.endsWith('DejaVuSans.ttf'))).toBe(true);
  });

  it('measures DejaVu Sans advance widths', () => {
    // a 613 + b 635 + c 550 = 1798 thousandths of an em; at 10 px: 17.98 px.
    expect(measureTextWidth('abc', 10)).toBeCloseTo(17.98, 10);
    // Bold W is 1103/1000 em; an unknown character counts 0.7 em.
    expect(measureTextWidth('W', 10, true)).toBeCloseTo(11.03, 10);
    expect(measureTextWidth('漢', 10)).toBeCloseTo(7, 10);
  });

  it('is installed into vega, honouring truncation limits', async () => {
    await renderChart(lineSpec);
    const metrics = (vega as unknown as { textMetrics: { width: (item: object, text: string) => number } }).textMetrics;
    expect(metrics.width({ fontSize: 10 }, 'abc')).toBeCloseTo(17.98, 10);
    expect(metrics.width({ fontSize: 10, fontWeight: 'bold' }, 'W')).toBeCloseTo(11.03, 10);
    expect(metrics.width({ fontSize: 10, limit: 12 }, 'abc')).toBe(12);
    expect(metrics.width({ fontSize: 10 }, '  ')).toBe(0);
  });
});
