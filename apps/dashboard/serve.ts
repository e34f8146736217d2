/**
 * The Express router that serves the dashboard: its pages at /, /sweeps/:id, /sweeps/:id/captions
 * and /history, and the bundle under /assets/. The pages hold no data; they read it from /v1 with
 * the API key that the browser sends, so they are served without one.
 */
import { join } from 'node:path';

import express, { type NextFunction, type Request, type Response } from 'express';

import { buildDashboard, DASHBOARD_DIST_DIR } from './build.js';

/** Paths of the dashboard's pages; each gets index.html and the bundle picks the view. */
export const DASHBOARD_PAGES = ['/', '/sweeps/:id', '/sweeps/:id/captions', '/history'] as const;

export interface DashboardOptions {
  /** Where the bundle is built and served from; default apps/dashboard/dist. */
  distDir?: string;
}

export function dashboardRouter(options: DashboardOptions = {}): express.Router {
  const distDir = options.distDir ?? DASHBOARD_DIST_DIR;
  const router = express.Router();
  let built: Promise<unknown> | undefined;

  // Built on the first dashboard request rather than at start, so API processes and tests that
  // never open the dashboard do not pay for the bundle.
  const ensureBuilt = async (_request: Request, response: Response, next: NextFunction) => {
    built ??= buildDashboard({ outDir: distDir });
    try {
      await built;
      next();
    } catch (error) {
      // A failed build is retried by the next request, after the source or install is fixed.
      built = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      response.status(500).type('text/plain').send(`The dashboard could not be built: ${reason}\nInstall the dev dependencies (npm ci) or run: npx tsx apps/dashboard/build.ts\n`);
    }
  };
  const noCache = (_request: Request, response: Response, next: NextFunction) => {
    // Revalidated on every load, so a rebuilt bundle is picked up without renaming its files.
    response.setHeader('Cache-Control', 'no-cache');
    next();
  };

  router.get([...DASHBOARD_PAGES], ensureBuilt, noCache, (_request, response) => {
    response.sendFile(join(distDir, 'index.html'));
  });
  router.use('/assets', ensureBuilt, noCache, express.static(join(distDir, 'assets'), { index: false }), (request, response) => {
    response.status(404).type('text/plain').send(`No dashboard asset ${request.path}\n`);
  });
  return router;
}
