-- AlterTable
ALTER TABLE "model_version" ADD COLUMN "artifact_sha256" TEXT;
ALTER TABLE "model_version" ADD COLUMN "meta" JSONB;

-- CreateTable
CREATE TABLE "model_artifact" (
    "sha256" TEXT NOT NULL PRIMARY KEY,
    "body" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "rate_limit_window" (
    "key" TEXT NOT NULL,
    "window_start" DATETIME NOT NULL,
    "hits" INTEGER NOT NULL,

    PRIMARY KEY ("key", "window_start")
);

-- CreateTable
CREATE TABLE "run_lock" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "acquired_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_training_job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "model_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "params" JSONB,
    "log" TEXT NOT NULL DEFAULT '',
    "result" JSONB,
    "error" TEXT,
    "started_at" DATETIME NOT NULL,
    "finished_at" DATETIME,
    "queued_at" DATETIME,
    "worker" TEXT,
    "lease_expires_at" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_training_job" ("error", "finished_at", "id", "log", "model_name", "params", "result", "started_at", "status") SELECT "error", "finished_at", "id", "log", "model_name", "params", "result", "started_at", "status" FROM "training_job";
DROP TABLE "training_job";
ALTER TABLE "new_training_job" RENAME TO "training_job";
CREATE INDEX "training_job_model_name_status_idx" ON "training_job"("model_name", "status");
CREATE INDEX "training_job_status_id_idx" ON "training_job"("status", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "rate_limit_window_window_start_idx" ON "rate_limit_window"("window_start");

-- A stored model artifact never changes: its row is addressed by the sha-256 of its body, which
-- model_version.artifact_sha256 names. Prisma does not model triggers: this one refuses UPDATE.
CREATE TRIGGER "model_artifact_immutable" BEFORE UPDATE ON "model_artifact"
BEGIN
  SELECT RAISE(ABORT, 'model_artifact rows are immutable');
END;
