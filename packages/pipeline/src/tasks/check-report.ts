import { InputError } from '../errors.js';
import { processOutput, type Output } from '../io/output.js';
import { checkReportInBrowser, type BrowserCheckResult } from '../report/browser-check.js';

/** Options of {@link runCheckReport} (`pipeline check-report <dir>`). */
export interface CheckReportCommandOptions {
  /** Report folder written by `pipeline compare`. */
  dir: string;
}

/**
 * Opens a report in headless Chromium (`pipeline check-report <dir>`): it must render, every
 * image must load and the console must stay free of errors; saves screenshot.png beside it.
 * @throws InputError when the report does not render cleanly
 */
export async function runCheckReport(options: CheckReportCommandOptions, output: Output = processOutput): Promise<BrowserCheckResult> {
  const r = await checkReportInBrowser(options.dir);
  output.out(`${r.title}: ${r.images.loaded}/${r.images.total} images loaded, ${r.errors.length} errors; screenshot ${r.screenshot}`);
  for (const e of r.errors) output.out(`  ${e}`);
  if (r.errors.length || r.images.loaded !== r.images.total) {
    throw new InputError(
      `the report does not render cleanly (${r.images.total - r.images.loaded} broken images: ${r.images.broken.join(', ') || 'none'}; ${r.errors.length} errors)`,
    );
  }
  return r;
}
