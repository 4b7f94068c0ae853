import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';

/** What a headless browser saw when it opened a report. */
export interface BrowserCheckResult {
  /** The browser executable used. */
  browser: string;
  title: string;
  images: { total: number; loaded: number; broken: string[] };
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** The screenshot written next to the report. */
  screenshot: string;
}

/**
 * The part of playwright-core's API used here. playwright-core is a development dependency loaded
 * by name at run time (the CLI runs without it), so its types are not imported.
 */
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
  evaluate(script: string): Promise<unknown>;
  title(): Promise<string>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}

/** Where Debian (and most Linux distributions) install Chromium. */
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable to use, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.PENVAE_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/**
 * Opens a report's index.html from disk in headless Chromium (through playwright-core, which
 * downloads nothing), checks that it renders, that every image loads and that nothing is
 * logged as an error, and saves a full-page screenshot beside it (screenshot.png).
 * @throws InputError when the report, Chromium or playwright-core is missing
 */
export async function checkReportInBrowser(reportDir: string, screenshotName = 'screenshot.png'): Promise<BrowserCheckResult> {
  const index = resolve(reportDir, 'index.html');
  if (!existsSync(index)) throw new InputError(`${reportDir}: no index.html (make one with \`pipeline compare\`)`);
  const browser = findChromium();
  if (!browser) throw new InputError("no Chromium found (install Debian's `chromium` package, or set PENVAE_CHROMIUM to a Chromium/Chrome executable)");
  let playwright: { chromium: { launch(options: object): Promise<Browser> } };
  try {
    playwright = (await import('playwright-core' as string)) as typeof playwright;
  } catch {
    throw new InputError('playwright-core is not installed (it is a development dependency: run `npm ci` in the repository)');
  }
  // The flags keep a sandboxed, offline machine quiet: no first-run, sync or update traffic.
  const instance = await playwright.chromium.launch({
    executablePath: browser,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await instance.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
    // Evaluated in the page (a string: this package is compiled without DOM types).
    const images = (await page.evaluate(`(() => {
      const all = Array.from(document.images);
      const ok = (img) => img.complete && img.naturalWidth > 0;
      return { total: all.length, loaded: all.filter(ok).length, broken: all.filter((img) => !ok(img)).map((img) => img.alt || img.src.slice(0, 60)) };
    })()`)) as BrowserCheckResult['images'];
    const title = await page.title();
    const screenshot = join(reportDir, screenshotName);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { browser, title, images, errors, screenshot };
  } finally {
    await instance.close();
  }
}
