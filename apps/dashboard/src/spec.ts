/**
 * Reading variant specs for people: flattened fields, the fields that differ between variants,
 * short labels, and the pruning amount and method that the speedup plot uses.
 */

export interface VariantRef {
  variantHash: string;
  name: string | null;
  spec: unknown;
}

interface PruningStep {
  method: string;
  amount: number;
}

/**
 * Flattens a spec into dotted paths ("quantization.method", "pruning[0].amount") and their values
 * as text. An empty list, such as no pruning steps, becomes the value "none".
 */
export function flattenSpec(spec: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(spec)) {
    if (spec.length === 0) into.set(prefix, 'none');
    spec.forEach((item, index) => flattenSpec(item, `${prefix}[${index}]`, into));
  } else if (spec !== null && typeof spec === 'object') {
    for (const [key, value] of Object.entries(spec)) flattenSpec(value, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, typeof spec === 'string' ? spec : (JSON.stringify(spec) ?? ''));
  }
  return into;
}

/** Paths whose value is not the same in every spec (a path missing from one counts as differing); the name is left out. */
export function differingPaths(specs: readonly unknown[]): string[] {
  const flat = specs.map((spec) => flattenSpec(spec));
  const paths = new Set(flat.flatMap((fields) => [...fields.keys()]));
  return [...paths]
    .filter((path) => path !== 'name')
    .filter((path) => new Set(flat.map((fields) => fields.get(path) ?? '—')).size > 1)
    .sort();
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function quantizationMethod(spec: unknown): string {
  const method = record(record(spec).quantization).method;
  return typeof method === 'string' ? method : 'none';
}

export function pruningSteps(spec: unknown): PruningStep[] {
  const pruning = record(spec).pruning;
  if (!Array.isArray(pruning)) return [];
  return pruning.map((step) => record(step)).map((step) => ({ method: String(step.method), amount: Number(step.amount) }));
}

/** "none" for a dense variant, else the pruning methods in order, joined with "+". */
export function pruningMethod(spec: unknown): string {
  const steps = pruningSteps(spec);
  return steps.length === 0 ? 'none' : steps.map((step) => step.method).join('+');
}

/**
 * Returns the pruning amount on the speedup plot's x axis: 0 for a dense variant, the step's amount for one
 * step, and the last step's amount when several are chained (the others are part of the series name).
 */
export function pruningAmount(spec: unknown): number {
  const steps = pruningSteps(spec);
  return steps.length === 0 ? 0 : steps[steps.length - 1].amount;
}

const percent = (amount: number) => `${Math.round(amount * 1000) / 10}%`;

/** Describes the fields of one spec among `paths`, the ones that tell the sweep's variants apart. */
function describe(spec: unknown, paths: readonly string[]): string {
  const fields = flattenSpec(spec);
  const parts: string[] = [];
  if (paths.some((path) => path.startsWith('quantization'))) parts.push(quantizationMethod(spec) === 'none' ? 'fp32' : quantizationMethod(spec));
  if (paths.some((path) => path.startsWith('pruning'))) {
    const steps = pruningSteps(spec);
    parts.push(steps.length === 0 ? 'dense' : steps.map((step) => `${step.method} ${percent(step.amount)}`).join(' + '));
  }
  for (const path of paths) {
    if (path.startsWith('pruning') || path === 'quantization.method') continue;
    const value = fields.get(path);
    if (value !== undefined) parts.push(`${path.replace(/^(decoding|runtime|quantization)\./, '')}=${value}`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'fp32 · dense';
}

/**
 * Labels for a set of variants: the name when it is given and unique, otherwise the fields that
 * differ between them. A label that still repeats gets the start of the variant hash.
 */
export function variantLabels(variants: readonly VariantRef[]): Map<string, string> {
  const paths = differingPaths(variants.map((variant) => variant.spec));
  const names = variants.map((variant) => variant.name).filter((name): name is string => Boolean(name));
  const labels = new Map<string, string>();
  for (const variant of variants) {
    const unique = variant.name && names.filter((name) => name === variant.name).length === 1;
    labels.set(variant.variantHash, unique ? variant.name! : describe(variant.spec, paths));
  }
  const counts = new Map<string, number>();
  for (const label of labels.values()) counts.set(label, (counts.get(label) ?? 0) + 1);
  for (const [hash, label] of labels) if ((counts.get(label) ?? 0) > 1) labels.set(hash, `${label} #${hash.slice(0, 6)}`);
  return labels;
}

export interface Series {
  /** Quantization method, pruning method and the other differing fields: one line of the speedup plot. */
  name: string;
  /** The same without the pruning method: pruned series start from the dense variant of the same base. */
  base: string;
  pruning: string;
}

/**
 * The speedup plot's series of a variant: quantization and pruning method, plus every other field
 * that differs between the sweep's variants (decoding, threads...), so one line never mixes them.
 */
export function seriesOf(spec: unknown, paths: readonly string[]): Series {
  const fields = flattenSpec(spec);
  const extra = paths
    .filter((path) => !path.startsWith('pruning') && path !== 'quantization.method')
    .map((path) => `${path.replace(/^(decoding|runtime|quantization)\./, '')}=${fields.get(path) ?? '—'}`);
  const pruning = pruningMethod(spec);
  const quantization = quantizationMethod(spec) === 'none' ? 'fp32' : quantizationMethod(spec);
  return { name: [quantization, pruning === 'none' ? 'dense' : pruning, ...extra].join(' · '), base: [quantization, ...extra].join(' · '), pruning };
}
