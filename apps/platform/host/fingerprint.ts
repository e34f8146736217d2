/**
 * Fingerprint of the host a result was measured on: its CPU, SIMD features and software versions.
 * Speedups compare results of the same fingerprint only, so two hosts never mix.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

import { canonicalJson, onnxruntimeVersion } from '../../../models/index.js';

/**
 * CPU flags that change which onnxruntime kernels run (x86 /proc/cpuinfo "flags" names and Arm
 * "Features" names): AVX-512 and VNNI select the int8 GEMM kernels, AMX the tile kernels.
 */
export const SIMD_FLAGS = Object.freeze([
  'sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx_vnni',
  'avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx512_fp16',
  'amx_tile', 'amx_int8', 'amx_bf16',
  'asimd', 'asimddp', 'asimdhp', 'i8mm', 'bf16', 'sve', 'sve2',
]);

export interface HostFingerprint {
  hostname: string;
  cpuModel: string;
  logicalCores: number;
  /** Distinct (physical id, core id) pairs in /proc/cpuinfo; null where the file lacks them. */
  physicalCores: number | null;
  simdFlags: string[];
  platform: string;
  arch: string;
  totalMemoryBytes: number;
  onnxruntimeVersion: string;
  nodeVersion: string;
  projectVersion: string;
}

export interface CpuInfo {
  model: string | null;
  flags: string[];
  physicalCores: number | null;
}

/** Parses /proc/cpuinfo text (x86 or Arm). */
export function parseCpuInfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((block) => block.trim() !== '');
  const flags = new Set<string>();
  const cores = new Set<string>();
  let model: string | null = null;
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    model ??= fields.get('model name') ?? fields.get('Model') ?? fields.get('Processor') ?? null;
    for (const flag of (fields.get('flags') ?? fields.get('Features') ?? '').split(/\s+/)) if (flag) flags.add(flag);
    if (fields.has('physical id') && fields.has('core id')) cores.add(`${fields.get('physical id')}:${fields.get('core id')}`);
  }
  return { model, flags: [...flags], physicalCores: cores.size > 0 ? cores.size : null };
}

function readCpuInfo(): CpuInfo {
  try {
    return parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // Not Linux: os.cpus() still gives the model; SIMD flags are unknown there.
    return { model: null, flags: [], physicalCores: null };
  }
}

function projectVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function readHostFingerprint(): HostFingerprint {
  const cpu = readCpuInfo();
  return {
    hostname: os.hostname(),
    cpuModel: cpu.model ?? os.cpus()[0]?.model ?? 'unknown',
    logicalCores: os.availableParallelism(),
    physicalCores: cpu.physicalCores,
    simdFlags: SIMD_FLAGS.filter((flag) => cpu.flags.includes(flag)),
    platform: os.platform(),
    arch: os.arch(),
    totalMemoryBytes: os.totalmem(),
    onnxruntimeVersion: onnxruntimeVersion(),
    nodeVersion: process.versions.node,
    projectVersion: projectVersion(),
  };
}

/** Hashes every field, so any change (a new onnxruntime, another CPU) makes a new host. */
export function fingerprintHash(fingerprint: HostFingerprint): string {
  return createHash('sha256').update(canonicalJson(fingerprint)).digest('hex').slice(0, 32);
}
