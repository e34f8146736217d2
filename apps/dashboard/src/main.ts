/**
 * The dashboard's entry: picks the view of the page's path. Every page is a full load of
 * index.html, so links and the back button work without a client-side router.
 */
import './styles.css';

import { errorNotice, replaceChildren } from './dom.js';
import { showCaptions } from './views/captions.js';
import { showHistory } from './views/history.js';
import { showSweep } from './views/sweep-page.js';
import { showSweepsList } from './views/sweeps-list.js';

const SWEEP_ID = '([0-9a-fA-F-]{36})';

async function route(root: HTMLElement): Promise<void> {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const captions = new RegExp(`^/sweeps/${SWEEP_ID}/captions$`).exec(path);
  const sweep = new RegExp(`^/sweeps/${SWEEP_ID}$`).exec(path);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header.top nav a')) {
    link.classList.toggle('active', link.pathname === (path.startsWith('/history') ? '/history' : '/'));
  }
  if (path === '/') return showSweepsList(root);
  if (path === '/history') return showHistory(root);
  if (captions) return showCaptions(root, captions[1]);
  if (sweep) return showSweep(root, sweep[1]);
  replaceChildren(root, errorNotice(new Error(`No dashboard page at ${path}; sweep pages are /sweeps/<sweep id>.`)));
}

const root = document.getElementById('view');
if (root) void route(root);
