/** Dependencies of every service function: the database, the queues and the configuration. */
import type { PlatformConfig } from '../config/config.js';
import type { PrismaClient } from '../db/client.js';
import type { Queues } from '../queue/queues.js';

export interface ServiceContext {
  prisma: PrismaClient;
  queues: Queues;
  config: PlatformConfig;
}
