# BLIP Bench: one image for the API and the workers (the command picks which).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    BLIPBENCH_HOST=0.0.0.0 \
    BLIPBENCH_MODEL_STORE=/data/models \
    BLIPBENCH_DATA_DIR=/data \
    BLIPBENCH_SAMPLE_IMAGES=/app/samples

COPY package.json package-lock.json ./
# postinstall generates the Prisma client from the schema, so prisma/ comes before npm ci.
COPY prisma ./prisma
# Development dependencies stay: tsx runs the TypeScript sources, there is no build step.
# onnxruntime-node's CPU binaries ship in the package; its installer would only add GPU ones.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --include=dev && npm cache clean --force

COPY apps ./apps
COPY models ./models
COPY scripts ./scripts
COPY tsconfig.json ./

VOLUME ["/data"]
EXPOSE 3000
CMD ["node", "--import", "tsx", "apps/api/main.ts"]
