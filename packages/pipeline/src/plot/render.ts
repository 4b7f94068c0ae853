import { writeFileAtomic } from '../io/atomic.js';
import { Resvg } from '@resvg/resvg-js';
import { logger as createLogger, parse, View, Warn } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FileSystemError } from '../errors.js';
import { PlotInputError, PlotRenderError } from './errors.js';
import { FONT_FAMILY, resolveFonts } from './fonts.js';
import { useDejaVuTextMetrics } from './text-metrics.js';
import { publicationTheme } from './theme.js';

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /** Write the SVG here (atomically; parent directories are created). */
  svgPath?: string;
  /** Write the PNG here (atomically; parent directories are created). */
  pngPath?: string;
  /**
   * Return PNG bytes even without `pngPath`.
   * @default false (PNG only when `pngPath` is given)
   */
  png?: boolean;
  /**
   * PNG pixels per SVG unit: the PNG is round(width x scale) by round(height x scale).
   * @default 2
   */
  scale?: number;
  /**
   * Font files for the PNG.
   * @default DejaVu Sans (regular, bold, oblique) from the standard font directories
   */
  fontFiles?: readonly string[];
}

/** Result of {@link renderChart}. */
export interface RenderChartResult {
  /** The SVG document (1 unit = 1 CSS pixel). */
  svg: string;
  /** The PNG bytes, when a PNG was asked for. */
  png?: Uint8Array;
  /** SVG width in CSS pixels. */
  width: number;
  /** SVG height in CSS pixels. */
  height: number;
  /** Warnings from vega-lite, vega and font resolution (empty when all went well). */
  warnings: string[];
}

/**
 * Compiles a vega-lite spec under the {@link publicationTheme}, renders it headless with
 * vega (`View.toSVG()`, no canvas; text widths for the layout come from DejaVu Sans
 * tables, see `text-metrics.ts`) and, when
 * asked, rasterises the SVG to PNG with resvg using DejaVu Sans by path (see `fonts.ts`).
 *
 * Files are written atomically: each goes to `<file>.tmp-<pid>` and is renamed into place,
 * and both are rendered in memory before anything is written, so a failure never leaves a
 * half-written file, or any file, under a requested name.
 *
 * @throws PlotInputError for a bad `scale`; PlotRenderError (with `cause`) when compiling,
 *   rendering or writing fails.
 * @example
 *   await renderChart(buildTraceGridSpec(rows, { title: 'Example traces' }),
 *     { svgPath: 'out/fig3.svg', pngPath: 'out/fig3.png' });
 */
export async function renderChart(spec: TopLevelSpec, options: RenderChartOptions = {}): Promise<RenderChartResult> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new PlotInputError(`renderChart: option "scale" must be a finite number > 0 (got ${scale}).`);
  }
  // One turn of the event loop per chart: rendering awaits no I/O, so without it a report of
  // many charts would hold Ctrl-C (and progress output) until the last one.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const warnings: string[] = [];
  const logger = createLogger(Warn, undefined, (_method, level, args) => {
    warnings.push(`${level} ${args.map(String).join(' ')}`.trim());
  });

  useDejaVuTextMetrics();
  let svg: string;
  let width: number;
  let height: number;
  try {
    const vgSpec = compile(spec, { config: publicationTheme, logger }).spec;
    const view = new View(parse(vgSpec), { renderer: 'none', logger, logLevel: Warn });
    try {
      svg = await view.toSVG();
      width = view.width();
      height = view.height();
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new PlotRenderError(`renderChart: the chart ${describe(spec)} could not be compiled or rendered: ${message(error)}`, {
      cause: error,
    });
  }
  const size = svgSize(svg);
  width = size?.width ?? width;
  height = size?.height ?? height;

  let png: Uint8Array | undefined;
  if (options.pngPath !== undefined || options.png === true) {
    const fonts = resolveFonts(options.fontFiles);
    if (fonts.warning) warnings.push(fonts.warning);
    try {
      const resvg = new Resvg(svg, {
        background: 'white',
        fitTo: { mode: 'zoom', value: scale },
        font: {
          loadSystemFonts: fonts.files.length === 0 || fonts.warning !== undefined,
          fontFiles: fonts.files,
          defaultFontFamily: FONT_FAMILY,
          sansSerifFamily: FONT_FAMILY,
        },
      });
      png = new Uint8Array(resvg.render().asPng());
    } catch (error) {
      throw new PlotRenderError(`renderChart: rasterising ${describe(spec)} to PNG failed: ${message(error)}`, { cause: error });
    }
  }

  if (options.svgPath !== undefined) await writeChartFile(options.svgPath, svg);
  if (options.pngPath !== undefined && png) await writeChartFile(options.pngPath, png);
  return png ? { svg, png, width, height, warnings } : { svg, width, height, warnings };
}

/** Writes a chart file atomically; a failure is a {@link PlotRenderError} and leaves no file. */
async function writeChartFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    writeFileAtomic(path, data);
  } catch (error) {
    // A file-system refusal already names the path and the reason (exit 2 in the CLI).
    throw new PlotRenderError(error instanceof FileSystemError ? error.message : `could not write ${path}: ${message(error)}`, { cause: error });
  }
}

/** Width and height attributes of the root `<svg>` element. */
function svgSize(svg: string): { width: number; height: number } | undefined {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = /\swidth="([\d.]+)"/.exec(root)?.[1];
  const h = /\sheight="([\d.]+)"/.exec(root)?.[1];
  return w && h ? { width: Number(w), height: Number(h) } : undefined;
}

function describe(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  const text = typeof title === 'string' ? title : (title as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? `"${text}"` : '(untitled)';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
