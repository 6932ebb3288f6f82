import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Chromium for the status page's browser tests: Debian's, headless. Pages collect console errors and page
 * errors, and `axeViolations` runs axe-core inside the page (injected over the DevTools protocol, which the
 * page's Content-Security-Policy does not govern).
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Where test runs put their screenshots (ignored by git); `npm run screenshots` writes docs/screenshots. */
export const TEST_SHOTS = path.resolve(import.meta.dirname, '../../test-output/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

export async function testShotsDir(): Promise<string> {
  await mkdir(TEST_SHOTS, { recursive: true });
  return TEST_SHOTS;
}

/** A page that records what went wrong in it: console errors and uncaught errors. */
export async function watchedPage(context: Browser | BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return page;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's violations of the page as it is now, serious and critical only unless `all`. */
export async function axeViolations(page: Page, all = false): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    type Result = {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>;
    };
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<Result> } })
      .axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => JSON.stringify(node.target)),
    }));
  });
  return all
    ? violations
    : violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
