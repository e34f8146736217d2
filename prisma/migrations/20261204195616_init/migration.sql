-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "models" (
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "preset" TEXT,
    "seed" INTEGER,
    "hub_repo" TEXT,
    "hub_revision" TEXT,
    "random_weights" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "images" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "name" TEXT,
    "content" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "images_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "variants" (
    "id" UUID NOT NULL,
    "variant_hash" TEXT NOT NULL,
    "build_hash" TEXT NOT NULL,
    "name" TEXT,
    "spec" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "variants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "variant_builds" (
    "id" UUID NOT NULL,
    "model_name" TEXT NOT NULL,
    "build_hash" TEXT NOT NULL,
    "host_id" UUID NOT NULL,
    "bytes_on_disk" BIGINT NOT NULL,
    "sparsity_overall" DOUBLE PRECISION NOT NULL,
    "sparsity_per_layer" JSONB NOT NULL,
    "build_time_ms" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "variant_builds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hosts" (
    "id" UUID NOT NULL,
    "fingerprint_hash" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "cpu_model" TEXT NOT NULL,
    "logical_cores" INTEGER NOT NULL,
    "physical_cores" INTEGER,
    "simd_flags" TEXT[],
    "platform" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "total_memory_bytes" BIGINT NOT NULL,
    "onnxruntime_version" TEXT NOT NULL,
    "node_version" TEXT NOT NULL,
    "project_version" TEXT NOT NULL,
    "hardware_peaks" JSONB,
    "first_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hosts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "host_id" UUID NOT NULL,
    "pid" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "threads" INTEGER NOT NULL,
    "queues" TEXT[],
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMP(3),

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sweeps" (
    "id" UUID NOT NULL,
    "name" TEXT,
    "kind" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "baseline_variant_id" UUID NOT NULL,
    "runs" INTEGER NOT NULL,
    "warmup_runs" INTEGER NOT NULL,
    "force_new_tokens" INTEGER,
    "max_new_tokens" INTEGER,
    "prompt" TEXT,
    "references" JSONB,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "jobs_total" INTEGER NOT NULL,
    "request" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "sweep_id" UUID,
    "kind" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "variant_id" UUID NOT NULL,
    "image_id" TEXT NOT NULL,
    "is_baseline" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "host_id" UUID,
    "options" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "results" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "sweep_id" UUID,
    "kind" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "variant_id" UUID NOT NULL,
    "image_id" TEXT NOT NULL,
    "host_id" UUID NOT NULL,
    "worker_id" UUID,
    "is_baseline" BOOLEAN NOT NULL,
    "attempt" INTEGER NOT NULL,
    "threads" INTEGER NOT NULL,
    "caption" TEXT NOT NULL,
    "token_ids" INTEGER[],
    "generated_tokens" INTEGER NOT NULL,
    "forced_new_tokens" INTEGER,
    "runs" INTEGER NOT NULL,
    "warmup_runs" INTEGER NOT NULL,
    "run_times_ms" DOUBLE PRECISION[],
    "warmup_times_ms" DOUBLE PRECISION[],
    "run_stages_ms" JSONB NOT NULL,
    "mean_ms" DOUBLE PRECISION NOT NULL,
    "median_ms" DOUBLE PRECISION NOT NULL,
    "p90_ms" DOUBLE PRECISION NOT NULL,
    "p99_ms" DOUBLE PRECISION NOT NULL,
    "min_ms" DOUBLE PRECISION NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    "std_ms" DOUBLE PRECISION NOT NULL,
    "preprocess_ms" DOUBLE PRECISION NOT NULL,
    "vision_encoder_ms" DOUBLE PRECISION NOT NULL,
    "decoder_ms" DOUBLE PRECISION NOT NULL,
    "decoder_per_token_ms" DOUBLE PRECISION NOT NULL,
    "tokens_per_second" DOUBLE PRECISION NOT NULL,
    "peak_rss_bytes" BIGINT NOT NULL,
    "bytes_on_disk" BIGINT NOT NULL,
    "other_cpu_load" DOUBLE PRECISION NOT NULL,
    "overlapped" BOOLEAN NOT NULL DEFAULT false,
    "exact_match" BOOLEAN,
    "token_f1" DOUBLE PRECISION,
    "bleu4" DOUBLE PRECISION,
    "top1_agreement" DOUBLE PRECISION,
    "mean_kl" DOUBLE PRECISION,
    "reference_bleu4" DOUBLE PRECISION,
    "reference_cider" DOUBLE PRECISION,
    "efficiency" JSONB,
    "queued_to_done_ms" DOUBLE PRECISION,
    "engine_ms" DOUBLE PRECISION,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "results_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "images_sha256_key" ON "images"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "variants_variant_hash_key" ON "variants"("variant_hash");

-- CreateIndex
CREATE INDEX "variants_build_hash_idx" ON "variants"("build_hash");

-- CreateIndex
CREATE UNIQUE INDEX "variant_builds_model_name_build_hash_host_id_key" ON "variant_builds"("model_name", "build_hash", "host_id");

-- CreateIndex
CREATE UNIQUE INDEX "hosts_fingerprint_hash_key" ON "hosts"("fingerprint_hash");

-- CreateIndex
CREATE INDEX "workers_last_seen_at_idx" ON "workers"("last_seen_at");

-- CreateIndex
CREATE INDEX "sweeps_created_at_idx" ON "sweeps"("created_at");

-- CreateIndex
CREATE INDEX "jobs_status_idx" ON "jobs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_sweep_id_variant_id_image_id_key" ON "jobs"("sweep_id", "variant_id", "image_id");

-- CreateIndex
CREATE UNIQUE INDEX "results_job_id_key" ON "results"("job_id");

-- CreateIndex
CREATE INDEX "results_created_at_id_idx" ON "results"("created_at", "id");

-- CreateIndex
CREATE INDEX "results_sweep_id_image_id_idx" ON "results"("sweep_id", "image_id");

-- CreateIndex
CREATE INDEX "results_model_name_host_id_image_id_variant_id_idx" ON "results"("model_name", "host_id", "image_id", "variant_id");

-- AddForeignKey
ALTER TABLE "variant_builds" ADD CONSTRAINT "variant_builds_model_name_fkey" FOREIGN KEY ("model_name") REFERENCES "models"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variant_builds" ADD CONSTRAINT "variant_builds_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workers" ADD CONSTRAINT "workers_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_model_name_fkey" FOREIGN KEY ("model_name") REFERENCES "models"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_baseline_variant_id_fkey" FOREIGN KEY ("baseline_variant_id") REFERENCES "variants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_model_name_fkey" FOREIGN KEY ("model_name") REFERENCES "models"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_model_name_fkey" FOREIGN KEY ("model_name") REFERENCES "models"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "results" ADD CONSTRAINT "results_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "hosts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
