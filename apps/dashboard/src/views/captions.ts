/**
 * Captions side by side: per image, its thumbnail beside the baseline's caption and every
 * variant's, with the words that differ from the baseline highlighted.
 */
import { getJson, getObjectUrl } from '../api.js';
import type { Result, SweepDetails } from '../api-types.js';
import { errorNotice, h, replaceChildren } from '../dom.js';
import { shortId } from '../format.js';
import { variantLabels } from '../spec.js';
import { diffWords } from '../word-diff.js';

/** Path of an image's bytes on the API. */
export function imageContentPath(imageId: string): string {
  return `/v1/images/${encodeURIComponent(imageId)}/content`;
}

function highlighted(baseline: string, caption: string): HTMLElement {
  const parts = diffWords(baseline, caption);
  const words = parts.map((part) => {
    if (part.kind === 'added') return h('ins', { title: 'not in the baseline caption' }, part.text);
    if (part.kind === 'removed') return h('del', { title: 'in the baseline caption only' }, part.text);
    return document.createTextNode(part.text);
  });
  const spaced = words.flatMap((word, index) => (index === 0 ? [word] : [document.createTextNode(' '), word]));
  return h('span', { class: 'caption' }, spaced);
}

/**
 * The thumbnail is fetched rather than linked: an <img src> cannot send the API key. Images of one
 * page share one request each.
 */
function thumbnail(imageId: string, alt: string, urls: Map<string, Promise<string>>): HTMLElement {
  const image = h('img', { alt, width: 160, loading: 'lazy' });
  const frame = h('div', { class: 'thumbnail' }, image);
  if (!urls.has(imageId)) urls.set(imageId, getObjectUrl(imageContentPath(imageId)));
  urls.get(imageId)!.then(
    (url) => {
      image.src = url;
    },
    (error: unknown) => frame.replaceChildren(errorNotice(error)),
  );
  return frame;
}

function imageCard(results: readonly Result[], details: SweepDetails, labels: Map<string, string>, urls: Map<string, Promise<string>>): HTMLElement {
  const image = results[0].image;
  const baseline = results.find((result) => result.variant.variantHash === details.baselineVariantHash);
  const others = details.variants.filter((variant) => variant.variantHash !== details.baselineVariantHash);
  const rows = others.map((variant) => {
    const result = results.find((candidate) => candidate.variant.variantHash === variant.variantHash);
    const caption = result ? (baseline ? highlighted(baseline.caption, result.caption) : h('span', { class: 'caption' }, result.caption)) : h('span', { class: 'muted' }, 'no result yet');
    const same = result && baseline && result.caption === baseline.caption;
    return h('tr', { class: same ? 'same' : '' }, h('th', { scope: 'row' }, labels.get(variant.variantHash) ?? variant.variantHash), h('td', {}, caption, same ? h('span', { class: 'badge same' }, 'same') : null));
  });
  return h(
    'article',
    { class: 'caption-card', 'data-image': image.id },
    thumbnail(image.id, image.name ?? image.id, urls),
    h(
      'div',
      {},
      h('h2', {}, image.name ?? image.id),
      h(
        'table',
        { class: 'captions' },
        h('tbody', {}, h('tr', { class: 'baseline' }, h('th', { scope: 'row' }, h('span', { class: 'badge baseline' }, 'baseline')), h('td', {}, h('span', { class: 'caption' }, baseline?.caption ?? 'no baseline result yet'))), rows),
      ),
    ),
  );
}

export async function showCaptions(root: HTMLElement, sweepId: string): Promise<void> {
  try {
    const details = await getJson<SweepDetails>(`/v1/sweeps/${encodeURIComponent(sweepId)}`);
    const labels = variantLabels(details.variants);
    const byImage = new Map<string, Result[]>();
    for (const result of details.results) byImage.set(result.image.id, [...(byImage.get(result.image.id) ?? []), result]);
    const urls = new Map<string, Promise<string>>();
    document.title = `Captions of ${details.name ?? `sweep ${shortId(details.id)}`} · BLIP Bench`;
    replaceChildren(
      root,
      h(
        'header',
        { class: 'page-header' },
        h('h1', {}, 'Captions: ', h('a', { href: `/sweeps/${details.id}` }, details.name ?? `sweep ${shortId(details.id)}`)),
        h('p', { class: 'muted' }, 'Words a variant added are highlighted; words of the baseline it dropped are struck through.'),
      ),
      byImage.size === 0 ? h('p', { class: 'empty' }, 'No results yet.') : [...byImage.values()].map((results) => imageCard(results, details, labels, urls)),
    );
    root.dataset.state = 'loaded';
  } catch (error) {
    replaceChildren(root, errorNotice(error));
    root.dataset.state = 'error';
  }
}
