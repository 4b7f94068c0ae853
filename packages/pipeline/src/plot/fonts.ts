/**
 * Font files for rasterising. resvg draws text only with the fonts it is given, so the PNG
 * looks the same on every machine only if we hand it the same files: DejaVu Sans, which every
 * Debian-like box (and CI) has. The SVG names the same family first, so viewers that have it
 * agree with the PNG; others fall back to their sans-serif.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The family the theme asks for, first in every `font-family` of the SVG. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Where DejaVu lives on common systems (Debian/Ubuntu first). */
const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/truetype',
  '/usr/local/share/fonts',
  '/Library/Fonts',
];
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'];

/** Fonts resolved for one rendering. */
export interface FontSelection {
  /** Files to load (empty: fall back to the system's fonts). */
  files: string[];
  /** Set when DejaVu Sans was not found: says what was searched and what happens instead. */
  warning?: string;
}

/**
 * Finds DejaVu Sans (regular, bold, oblique) in the standard directories, or uses the files
 * given. Without any regular DejaVu Sans the caller falls back to resvg's system font scan,
 * and the warning says so (text may then use another face, or vanish on a box with no fonts).
 */
export function resolveFonts(explicit?: readonly string[]): FontSelection {
  if (explicit !== undefined) {
    const missing = explicit.filter((f) => !existsSync(f));
    if (missing.length === 0 && explicit.length > 0) return { files: [...explicit] };
    return {
      files: explicit.filter((f) => existsSync(f)),
      warning: `font files not found: ${missing.join(', ') || '(none given)'}; also using system fonts for the PNG.`,
    };
  }
  for (const dir of FONT_DIRS) {
    if (existsSync(join(dir, FONT_FILES[0]!))) {
      return { files: FONT_FILES.map((f) => join(dir, f)).filter((f) => existsSync(f)) };
    }
  }
  return {
    files: [],
    warning:
      `DejaVu Sans (${FONT_FILES[0]}) not found in ${FONT_DIRS.join(', ')}; the PNG uses system fonts ` +
      '(install fonts-dejavu-core, or pass fontFiles, for identical output everywhere).',
  };
}
