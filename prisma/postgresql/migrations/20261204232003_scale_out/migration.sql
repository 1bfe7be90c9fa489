-- AlterTable
ALTER TABLE "model_version" ADD COLUMN     "artifact_sha256" TEXT,
ADD COLUMN     "meta" JSONB;

-- AlterTable
ALTER TABLE "training_job" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lease_expires_at" TIMESTAMP(3),
ADD COLUMN     "queued_at" TIMESTAMP(3),
ADD COLUMN     "worker" TEXT;

-- CreateTable
CREATE TABLE "model_artifact" (
    "sha256" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "model_artifact_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "rate_limit_window" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "hits" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_window_pkey" PRIMARY KEY ("key","window_start")
);

-- CreateTable
CREATE TABLE "run_lock" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "acquired_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "run_lock_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "rate_limit_window_window_start_idx" ON "rate_limit_window"("window_start");

-- CreateIndex
CREATE INDEX "training_job_status_id_idx" ON "training_job"("status", "id");

-- A stored model artifact never changes: its row is addressed by the sha-256 of its body, which
-- model_version.artifact_sha256 names. Prisma does not model triggers: this one refuses UPDATE.
CREATE FUNCTION "model_artifact_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'model_artifact rows are immutable';
END $$;

CREATE TRIGGER "model_artifact_immutable" BEFORE UPDATE ON "model_artifact"
  FOR EACH ROW EXECUTE FUNCTION "model_artifact_refuse_update"();
