import { rm } from 'node:fs/promises';
import { CheckpointError } from './errors.js';
import { SafetensorsFile } from './safetensors.js';
import { writeSafetensors, type TensorToWrite } from './safetensors-writer.js';
import { TorchBinFile } from './torch-bin.js';

/**
 * Buffers that old transformers releases saved in pytorch_model.bin but that are not weights.
 * `text_decoder.bert.embeddings.position_ids` is arange(512) as int64; transformers now registers it
 * with persistent=False, so save_pretrained leaves it out and a load of this checkpoint reports it as
 * unexpected. Dropping it makes the converted file hold the same tensors as a current save.
 */
export const LEGACY_BUFFERS: readonly string[] = Object.freeze(['text_decoder.bert.embeddings.position_ids']);

export interface ConversionResult {
  /** Number of tensors written. */
  tensors: number;
  /** Names left out because they are in LEGACY_BUFFERS. */
  dropped: string[];
  /** State dict keys whose values were not tensors. */
  skipped: string[];
}

/**
 * Converts a torch.save checkpoint into a safetensors file with `{format: 'pt'}` metadata, as
 * transformers writes. Contiguous tensors go to the writer as views of the archive, so memory stays
 * near the size of the .bin while writing. The written file is then read back and compared tensor by
 * tensor with the source, so peak memory is about twice the .bin. A file that does not match is deleted.
 */
export async function convertTorchBinToSafetensors(binPath: string, outPath: string): Promise<ConversionResult> {
  const source = TorchBinFile.open(binPath);
  const keptNames = source.names().filter((name) => !LEGACY_BUFFERS.includes(name));
  const dropped = source.names().filter((name) => LEGACY_BUFFERS.includes(name));

  function* tensors(): Generator<TensorToWrite> {
    for (const name of keptNames) {
      const info = source.info(name);
      yield { name, dtype: info.dtype, shape: info.shape, data: source.bytes(name) };
    }
  }

  await writeSafetensors(outPath, tensors(), { format: 'pt' });
  await verifyConversion(source, keptNames, outPath);
  return { tensors: keptNames.length, dropped, skipped: [...source.skipped] };
}

async function verifyConversion(source: TorchBinFile, names: string[], outPath: string): Promise<void> {
  const written = SafetensorsFile.open(outPath);
  const problem = names.find((name) => !written.has(name) || !sameTensor(source, written, name));
  if (problem !== undefined || written.names().length !== names.length) {
    await rm(outPath, { force: true });
    throw new CheckpointError(
      `${outPath}: the converted file does not match ${source.path}` + (problem ? ` at tensor "${problem}"` : ' in its tensor count') + '; it was deleted.',
    );
  }
}

function sameTensor(source: TorchBinFile, written: SafetensorsFile, name: string): boolean {
  const a = source.info(name);
  const b = written.info(name);
  return a.dtype === b.dtype && a.shape.join() === b.shape.join() && Buffer.compare(source.bytes(name), written.bytes(name)) === 0;
}
