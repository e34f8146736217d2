/**
 * The dashboard in headless Chromium against the real API, with a grid sweep measured by a real
 * worker on the tiny model. Saves the sweep page to test-results/dashboard.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import type { HistoryPage, SweepDetails } from '../../apps/dashboard/src/api-types.js';
import { launchBrowser, waitForView, type TestBrowser } from './helpers/browser.js';
import { startApiWithFinishedSweep, type FinishedSweep } from './helpers/finished-sweep.js';

const SCREENSHOT = 'test-results/dashboard.png';

describe('dashboard on a finished grid sweep', () => {
  let sweep: FinishedSweep;
  let browser: TestBrowser;
  let details: SweepDetails;
  let base: string;

  before(async () => {
    sweep = await startApiWithFinishedSweep();
    browser = await launchBrowser();
    base = sweep.t.api.url;
    details = (await sweep.t.request('GET', `/v1/sweeps/${sweep.sweepId}`)).body as SweepDetails;
  });
  after(async () => {
    await browser?.close();
    await sweep?.close();
  });

  test('sweep page draws one mark per result', async () => {
    const { page, errors } = await browser.open(`${base}/sweeps/${sweep.sweepId}`);
    assert.equal(await waitForView(page), 'loaded');
    const count = (selector: string) => page.locator(selector).count();

    assert.equal(details.results.length, 6);
    const withSpeedup = details.results.filter((result) => result.speedup !== null).length;
    assert.equal(withSpeedup, 6);
    assert.equal(await count('[data-plot="speedup-vs-pruning"] svg g[aria-label="dot"] circle'), withSpeedup);
    // One line per quantization through its pruned variants, starting from its dense variant.
    assert.equal(await count('[data-plot="speedup-vs-pruning"] svg g[aria-label="line"] path'), 2);

    const variantsWithResults = details.variants.filter((variant) => variant.results > 0).length;
    assert.equal(await count('[data-plot="stage-bars"] svg g[aria-label="bar"] rect'), 3 * variantsWithResults);

    const runs = details.results.reduce((sum, result) => sum + result.runTimesMs.length, 0);
    assert.equal(runs, 6 * 4);
    assert.equal(await count('[data-plot="latency"] svg g[aria-label="dot"] circle'), runs);
    assert.equal(await count('[data-plot="latency"] svg g[aria-label="tick"] line'), variantsWithResults);

    const firstVariant = details.variants.find((variant) => !variant.isBaseline)!;
    const history = (await sweep.t.request('GET', `/v1/history?variant=${firstVariant.variantHash}&kind=benchmark&limit=500`)).body as HistoryPage;
    assert.equal(await count('[data-plot="speedup-history"] svg g[aria-label="dot"] circle'), history.items.filter((item) => item.speedup !== null).length);

    assert.equal(await count('table.results tbody tr'), details.variants.length);
    assert.equal(await count('table.results tbody tr.baseline'), 1);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });

  test('results table sorts by clicked header', async () => {
    const { page, errors } = await browser.open(`${base}/sweeps/${sweep.sweepId}`);
    await waitForView(page);
    const medians = async () => page.locator('table.results tbody td:nth-child(3)').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-value'))));
    await page.locator('table.results th[data-key="median"] button').click();
    const ascending = await medians();
    assert.equal(ascending.length, details.variants.length);
    for (const value of ascending) assert.ok(value > 0, `median cell value ${value}`);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    assert.equal(await page.locator('table.results th[data-key="median"]').getAttribute('aria-sort'), 'ascending');
    await page.locator('table.results th[data-key="median"] button').click();
    const descending = await medians();
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    assert.deepEqual(errors, []);
  });

  test('sweeps list shows the completed sweep', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    assert.equal(await waitForView(page), 'loaded');
    const row = page.locator(`tr[data-sweep="${sweep.sweepId}"]`);
    assert.equal(await row.locator('.badge').textContent(), 'completed');
    assert.equal(await row.locator('a').textContent(), 'dashboard grid');
    const workers = (await sweep.t.request('GET', '/v1/workers')).body as { items: Array<{ host: { hostname: string } }> };
    assert.equal(workers.items.length, 1);
    assert.equal(await page.locator('section.workers tbody tr').count(), 1);
    assert.equal(await page.locator('section.workers tbody td').first().textContent(), workers.items[0].host.hostname);
    assert.deepEqual(errors, []);
  });

  test('captions view highlights changed words', async () => {
    const { page, errors } = await browser.open(`${base}/sweeps/${sweep.sweepId}/captions`);
    assert.equal(await waitForView(page), 'loaded');
    const image = page.locator('.caption-card .thumbnail img');
    await image.evaluate((element: HTMLImageElement) => (element.complete && element.naturalWidth > 0 ? null : new Promise((resolve) => element.addEventListener('load', resolve, { once: true }))));
    assert.ok((await image.evaluate((element: HTMLImageElement) => element.naturalWidth)) > 0, 'thumbnail did not load');

    const baseline = details.results.find((result) => result.isBaseline)!;
    const changed = details.results.filter((result) => !result.isBaseline && result.caption !== baseline.caption).length;
    const rows = page.locator('table.captions tbody tr:not(.baseline)');
    assert.equal(await rows.count(), details.variants.length - 1);
    assert.equal(await page.locator('table.captions tbody tr:not(.baseline):has(ins, del)').count(), changed);
    assert.equal(await page.locator('table.captions tbody tr.same').count(), details.variants.length - 1 - changed);
    assert.deepEqual(errors, []);
  });

  test('history keeps filters in the URL and compares', async () => {
    const { page, errors } = await browser.open(`${base}/history?sweep=${sweep.sweepId}&quantization=int8-dynamic`);
    assert.equal(await waitForView(page), 'loaded');
    const expected = (await sweep.t.request('GET', `/v1/history?sweep=${sweep.sweepId}&quantization=int8-dynamic`)).body as HistoryPage;
    assert.equal(expected.items.length, 3);
    assert.equal(await page.locator('table.results tbody tr').count(), 3);
    assert.equal(await page.locator('select[name="quantization"]').inputValue(), 'int8-dynamic');

    await page.locator('select[name="pruning"]').selectOption('l1-unstructured');
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(/pruning=l1-unstructured/);
    assert.equal(await waitForView(page), 'loaded');
    assert.equal(await page.locator('table.results tbody tr').count(), 2);

    const boxes = page.locator('table.results tbody input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator('table.compare[data-compare="2"]').waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('compare')?.split(',').length, 2);
    assert.equal(url.searchParams.get('quantization'), 'int8-dynamic');
    const specRows = await page.locator('table.compare tr.spec th code').allTextContents();
    assert.deepEqual(specRows, ['pruning[0].amount']);
    assert.equal(await page.locator('table.compare .delta.better, table.compare .delta.worse').count() > 0, true);

    // The shared link opens the same comparison.
    const shared = await browser.open(url.toString());
    await waitForView(shared.page);
    await shared.page.locator('table.compare[data-compare="2"]').waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(shared.errors, []);
  });

  // Last: it adds a sweep, which the tests above would count.
  test('sweeps list follows a running sweep', async () => {
    await sweep.stopWorker();
    const created = await sweep.t.request('POST', '/v1/sweeps', { name: 'live', model: 'tiny', images: ['sample:camera.png'], runs: 1, warmupRuns: 0, forceNewTokens: 4 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const { page, errors } = await browser.open(`${base}/`);
    await waitForView(page);
    const row = page.locator(`tr[data-sweep="${created.body.sweepId}"]`);
    assert.equal(await row.locator('.badge').textContent(), 'queued');
    assert.equal(await row.locator('.progress').getAttribute('aria-valuetext'), '0 of 1 jobs done');

    await sweep.startWorker();
    await row.locator('.badge', { hasText: 'completed' }).waitFor({ timeout: 20_000 });
    assert.equal(await row.locator('.progress').getAttribute('aria-valuetext'), '1 of 1 jobs done');
    assert.deepEqual(errors, []);
  });
});
