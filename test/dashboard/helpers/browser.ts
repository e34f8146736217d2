/**
 * Headless Chromium (Debian's package) through playwright-core, with a fresh profile, and pages
 * that record every console error and uncaught exception.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a sandboxless container without a GPU and without network besides loopback. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface WatchedPage {
  page: Page;
  /** Console errors and warnings (Observable Plot warns about a misused channel) and uncaught exceptions, in order. */
  errors: string[];
}

export interface TestBrowser {
  open(url: string): Promise<WatchedPage>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with scripts/ensure-chromium.sh or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'blipbench-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    async open(url) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') errors.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await page.goto(url);
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the view has rendered its data (or its error), as main.ts marks it on #view. */
export async function waitForView(page: Page): Promise<string> {
  const view = page.locator('#view[data-state]');
  await view.waitFor({ timeout: 15_000 });
  return (await view.getAttribute('data-state')) ?? '';
}
