#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on machines without
# access to Prisma's binary host. `prisma generate` needs the path to exist but does not run it.
echo "The native Prisma schema engine is not installed; apply migrations with: npm run db:migrate" >&2
exit 1
