/**
 * The frame every plot sits in: a figure with a title, a line that explains how to read it, and a
 * `data-plot` name by which tests and people find it.
 */
import { h } from '../dom.js';

/** Width of one plot in the two-column grid; CSS scales the SVG down on narrow screens. */
export const PLOT_WIDTH = 600;

/**
 * Left margin that fits the longest band label of a horizontal plot. Plot draws tick labels in 10px
 * sans-serif, about 6px per character; the margin is capped so the bars keep most of the width.
 */
export function labelMargin(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((label) => label.length));
  return Math.min(280, 16 + Math.ceil(longest * 6));
}

/** Draws a plot into its frame; `control` (a select that changes what is plotted) sits under the title. */
export function plotFrame(name: string, title: string, note: string, draw: () => Element | null, emptyText: string, control?: HTMLElement): HTMLElement {
  let body: Element;
  try {
    body = draw() ?? h('p', { class: 'empty' }, emptyText);
  } catch (error) {
    body = h('p', { class: 'error', role: 'alert' }, `Could not draw this plot: ${error instanceof Error ? error.message : String(error)}`);
  }
  return h('figure', { class: 'plot', 'data-plot': name }, h('figcaption', {}, h('strong', {}, title), h('span', { class: 'note' }, note), control), body);
}
