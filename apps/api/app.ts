/** The Express application: /v1 routes behind the optional API key, probes at the root. */
import express, { type Express } from 'express';

import { dashboardRouter } from '../dashboard/serve.js';
import type { ApiDeps } from './deps.js';
import { requireApiKey } from './middleware/auth.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { buildOpenApi } from './openapi.js';
import { captionsRouter } from './routes/captions.js';
import { historyRouter } from './routes/history.js';
import { imagesRouter } from './routes/images.js';
import { probesRouter, systemRouter } from './routes/system.js';
import { sweepsRouter } from './routes/sweeps.js';
import { rejectUnstorableText } from './middleware/text-safety.js';

export function createApp(deps: ApiDeps, version: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(deps.metrics.observeRequests);
  app.use(express.json({ limit: '1mb', strict: true }));
  app.use(rejectUnstorableText);

  const openApi = buildOpenApi(version);
  app.get('/v1/openapi.json', (_request, response) => {
    response.json(openApi);
  });
  app.use(probesRouter(deps));

  const v1 = express.Router();
  v1.use(requireApiKey(deps.ctx.config.apiKey));
  v1.use(imagesRouter(deps));
  v1.use(sweepsRouter(deps));
  v1.use(captionsRouter(deps));
  v1.use(historyRouter(deps));
  v1.use(systemRouter(deps));
  app.use('/v1', v1);
  app.use(dashboardRouter());

  app.use(notFound);
  app.use(errorHandler(deps.logger, deps.ctx.config.maxUploadBytes));
  return app;
}
