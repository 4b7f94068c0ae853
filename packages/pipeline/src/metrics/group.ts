import { checkLabels, type Label } from './matrix.js';

/** One group of {@link aggregateByLabel}. */
export interface LabelGroup {
  /** The label (string form). */
  label: string;
  /** Mean of the group's values (NaN if any value is NaN: a NaN is an outcome to see). */
  mean: number;
  /** Number of rows in the group. */
  count: number;
}

/**
 * Groups a per-row metric by a label column: for each distinct label, the arithmetic mean of
 * the values of its rows and their count. Groups come in order of first appearance (so a
 * table keeps the order of the dataset, e.g. family then network). Labels compare as strings.
 *
 * @param values one number per row (e.g. `computeSilhouette(...).samples`, a kNN `hits`
 *   array, a per-row relative MSE)
 * @param labels one label per row
 * @throws MetricInputError when the lengths differ.
 * @example
 *   aggregateByLabel(silhouette.samples, families) // [{ label: 'sin', mean: 0.61, count: 250 }, ...]
 */
export function aggregateByLabel(values: ArrayLike<number>, labels: ArrayLike<Label>): LabelGroup[] {
  checkLabels('aggregateByLabel', labels, values.length);
  const groups = new Map<string, { sum: number; count: number }>();
  for (let i = 0; i < values.length; i++) {
    const key = String(labels[i]);
    const g = groups.get(key);
    if (g) {
      g.sum += values[i]!;
      g.count++;
    } else {
      groups.set(key, { sum: values[i]!, count: 1 });
    }
  }
  return [...groups].map(([label, g]) => ({ label, mean: g.sum / g.count, count: g.count }));
}
