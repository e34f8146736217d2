/** Images: multipart upload stored by content, the shared sample photos, metadata and bytes. */
import { Router } from 'express';
import multer from 'multer';
import { z } from 'zod';

import { HttpError } from '../../platform/errors.js';
import { findImage, importSample, listImages, listSamples, readImageContent, SAMPLE_PREFIX, storeImage } from '../../platform/services/images.js';
import { listQuerySchema } from '../../platform/services/requests.js';
import type { ApiDeps } from '../deps.js';
import { validate } from '../validation.js';

const imageIdParam = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/, 'expected an image id of 16 hex digits') });
const sampleParam = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a file name') });

const MIME_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff', heif: 'image/avif' };

export function imagesRouter({ ctx }: ApiDeps): Router {
  const router = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 10 } });

  router.post('/images', upload.single('image'), async (request, response) => {
    if (!request.file) throw new HttpError(400, 'missing_image', 'image: no file; send multipart/form-data with the image in the field "image"');
    const { image, created } = await storeImage(ctx.prisma, request.file.buffer, request.file.originalname || null);
    response.status(created ? 201 : 200).json(image);
  });

  router.get('/images', async (request, response) => {
    const query = validate(listQuerySchema, request.query, 'query');
    const rows = await listImages(ctx.prisma, query.limit + 1, query.cursor);
    const items = rows.slice(0, query.limit);
    response.json({ items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null });
  });

  router.get('/images/samples', (_request, response) => {
    response.json({ dir: ctx.config.sampleImagesDir, samples: listSamples(ctx.config.sampleImagesDir).map((name) => ({ name, ref: `${SAMPLE_PREFIX}${name}` })) });
  });

  router.post('/images/samples/:name', async (request, response) => {
    const { name } = validate(sampleParam, request.params, 'params');
    response.json(await importSample(ctx.prisma, ctx.config.sampleImagesDir, name, 'name'));
  });

  router.get('/images/:id', async (request, response) => {
    const { id } = validate(imageIdParam, request.params, 'params');
    const image = await findImage(ctx.prisma, id);
    if (!image) throw new HttpError(404, 'unknown_image', `image "${id}" does not exist`);
    response.json(image);
  });

  router.get('/images/:id/content', async (request, response) => {
    const { id } = validate(imageIdParam, request.params, 'params');
    const image = await readImageContent(ctx.prisma, id);
    if (!image) throw new HttpError(404, 'unknown_image', `image "${id}" does not exist`);
    response.type(MIME_TYPES[image.format] ?? 'application/octet-stream').send(image.content);
  });

  return router;
}
