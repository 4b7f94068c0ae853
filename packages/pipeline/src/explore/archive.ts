/**
 * The archive of a quality-diversity search over a learned behaviour space (AURORA: Cully
 * 2019, "Autonomous skill discovery with quality-diversity and unsupervised descriptors";
 * MAP-Elites: Mouret & Clune 2015). The behaviour descriptor of a simulation is the posterior
 * mean of a 2-D VAE trained on the search's own traces; the descriptor space is cut into a
 * grid of G x G cells over the range the encoded samples cover, and each filled cell keeps one
 * elite. With no fitness to rank by (the search is for diversity, not for a target), the elite
 * is the sample nearest the cell's centre: a stable choice that does not drift when more
 * samples land in the cell, and ties go to the earlier sample.
 *
 * When the VAE is retrained the descriptors of every sample change: the archive is rebuilt
 * from all samples (as AURORA does), never carried over.
 */

/** A G x G grid over a rectangle of a 2-D latent space. */
export interface LatentGrid {
  cellsPerSide: number;
  /** [[xmin, xmax], [ymin, ymax]]. */
  bounds: [[number, number], [number, number]];
}

/** Margin added on each side of the encoded range, as a fraction of it. */
const MARGIN = 0.05;

/**
 * The grid covering points z (row-major [n, 2], NaN rows skipped), with a 5 % margin. The
 * whole range, not a quantile range: the outliers are the new behaviours a search is after,
 * and clamping them into the edge cells would hide them.
 */
export function fitLatentGrid(z: Float32Array, cellsPerSide: number): LatentGrid {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i + 1 < z.length; i += 2) {
    for (let d = 0; d < 2; d++) {
      const v = z[i + d]!;
      if (!Number.isFinite(v)) continue;
      lo[d] = Math.min(lo[d]!, v);
      hi[d] = Math.max(hi[d]!, v);
    }
  }
  const bounds = [0, 1].map((d) => {
    if (!Number.isFinite(lo[d]!)) return [-1, 1] as [number, number];
    const span = Math.max(hi[d]! - lo[d]!, 1e-6);
    return [lo[d]! - MARGIN * span, hi[d]! + MARGIN * span] as [number, number];
  }) as [[number, number], [number, number]];
  return { cellsPerSide, bounds };
}

/** Column (0-based) of coordinate v along axis d; values outside the bounds go to the edge cell. */
function axisCell(grid: LatentGrid, d: 0 | 1, v: number): number {
  const [a, b] = grid.bounds[d];
  const k = Math.floor(((v - a) / (b - a)) * grid.cellsPerSide);
  return Math.min(grid.cellsPerSide - 1, Math.max(0, k));
}

/** Cell index (row-major: y * G + x) of a point, or -1 for a non-finite one. */
export function cellOf(grid: LatentGrid, x: number, y: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return -1;
  return axisCell(grid, 1, y) * grid.cellsPerSide + axisCell(grid, 0, x);
}

/** Centre of a cell (x, y). */
export function cellCentre(grid: LatentGrid, cell: number): [number, number] {
  const G = grid.cellsPerSide;
  const cx = cell % G;
  const cy = Math.floor(cell / G);
  const [[x0, x1], [y0, y1]] = grid.bounds;
  return [x0 + ((cx + 0.5) / G) * (x1 - x0), y0 + ((cy + 0.5) / G) * (y1 - y0)];
}

/** A filled archive: for each filled cell, the index (into the points given) of its elite. */
export interface Archive {
  grid: LatentGrid;
  /** Cell of every point (-1: not placed, e.g. a failed simulation). */
  cells: Int32Array;
  /** Filled cell -> index of its elite, in increasing cell order. */
  elites: Map<number, number>;
}

/** Places points z (row-major [n, 2]; NaN for samples without a trace) and picks each cell's elite. */
export function buildArchive(grid: LatentGrid, z: Float32Array): Archive {
  const n = z.length / 2;
  const cells = new Int32Array(n);
  const best = new Map<number, { index: number; distance: number }>();
  for (let i = 0; i < n; i++) {
    const x = z[2 * i]!;
    const y = z[2 * i + 1]!;
    const cell = cellOf(grid, x, y);
    cells[i] = cell;
    if (cell < 0) continue;
    const [cx, cy] = cellCentre(grid, cell);
    const distance = (x - cx) ** 2 + (y - cy) ** 2;
    const held = best.get(cell);
    if (!held || distance < held.distance) best.set(cell, { index: i, distance });
  }
  const elites = new Map([...best.entries()].sort((a, b) => a[0] - b[0]).map(([cell, e]) => [cell, e.index]));
  return { grid, cells, elites };
}

/**
 * Cells filled after each `every` samples, in the order the samples were simulated (cells[i]
 * of sample i; -1 fills nothing). The last entry counts every sample even when the count is not
 * a multiple of `every`.
 */
export function filledCurve(cells: Int32Array, every: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i]! >= 0) seen.add(cells[i]!);
    if ((i + 1) % every === 0 || i === cells.length - 1) out.push(seen.size);
  }
  return out;
}
