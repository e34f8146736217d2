/** The dashboard behind BLIPBENCH_API_KEY: the key is asked for once per tab and sent as a bearer token. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestApi, type TestApi } from '../api/helpers/api.js';
import { launchBrowser, waitForView, type TestBrowser } from './helpers/browser.js';

const API_KEY = 'dashboard-test-key-0123456789';

/** Chromium logs every 401 response as a console error; those are the point of this test. */
const isUnauthorizedLog = (line: string) => /status of 401/.test(line);

describe('dashboard with an API key', () => {
  let t: TestApi;
  let browser: TestBrowser;

  before(async () => {
    t = await startTestApi({ BLIPBENCH_API_KEY: API_KEY });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('page itself loads without the key', async () => {
    const response = await fetch(`${t.api.url}/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<main id="view"/);
    const api = await fetch(`${t.api.url}/v1/sweeps`);
    assert.equal(api.status, 401);
  });

  test('key is asked for once and sent as bearer', async () => {
    const { page, errors } = await browser.open(`${t.api.url}/`);
    const authorizations: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) authorizations.push(request.headers().authorization ?? '');
    });

    const dialog = page.locator('dialog.api-key');
    await dialog.waitFor();
    await dialog.locator('input[name="key"]').fill('not-the-key');
    await dialog.locator('button[type="submit"]').click();
    await dialog.getByText('The API rejected the key').waitFor();
    await dialog.locator('input[name="key"]').fill(API_KEY);
    await dialog.locator('button[type="submit"]').click();

    assert.equal(await waitForView(page), 'loaded');
    assert.match((await page.locator('#view').textContent()) ?? '', /No sweeps yet/);
    assert.ok(authorizations.includes(`Bearer ${API_KEY}`), `requests sent ${JSON.stringify(authorizations)}`);

    // A reload in the same tab keeps the key: no second prompt.
    await page.reload();
    assert.equal(await waitForView(page), 'loaded');
    assert.equal(await dialog.count(), 0);
    assert.deepEqual(errors.filter((line) => !isUnauthorizedLog(line)), []);
  });
});
