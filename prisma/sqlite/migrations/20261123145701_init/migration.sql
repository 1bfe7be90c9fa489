-- CreateTable
CREATE TABLE "account" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" TEXT,
    "industry" TEXT,
    "region" TEXT,
    "country" TEXT,
    "size" TEXT,
    "employees" INTEGER,
    "annual_revenue" REAL,
    "acquired_at" DATETIME,
    "acquisition_campaign_id" INTEGER,
    "acquisition_cost" REAL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "churned_at" DATETIME,
    "attributes" JSONB,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "account_acquisition_campaign_id_fkey" FOREIGN KEY ("acquisition_campaign_id") REFERENCES "campaign" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "product" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "family" TEXT,
    "list_price" REAL,
    "unit_cost" REAL,
    "attributes" JSONB,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "rep" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "team" TEXT,
    "manager" TEXT,
    "region" TEXT,
    "hired_at" DATETIME,
    "attributes" JSONB,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "campaign" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channel" TEXT,
    "cost" REAL NOT NULL DEFAULT 0,
    "started_at" DATETIME,
    "ended_at" DATETIME,
    "attributes" JSONB,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "opportunity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "name" TEXT,
    "account_id" INTEGER,
    "product_id" INTEGER,
    "rep_id" INTEGER,
    "campaign_id" INTEGER,
    "amount" REAL NOT NULL DEFAULT 0,
    "discount" REAL NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'open',
    "created_at" DATETIME NOT NULL,
    "expected_close_at" DATETIME,
    "closed_at" DATETIME,
    "source" TEXT,
    "forecast_category" TEXT,
    "attributes" JSONB,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "opportunity_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "opportunity_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "opportunity_rep_id_fkey" FOREIGN KEY ("rep_id") REFERENCES "rep" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "opportunity_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "stage_change" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "opportunity_id" INTEGER NOT NULL,
    "from_stage" TEXT,
    "to_stage" TEXT NOT NULL,
    "amount" REAL,
    "expected_close_at" DATETIME,
    "changed_at" DATETIME NOT NULL,
    CONSTRAINT "stage_change_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "activity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER,
    "opportunity_id" INTEGER,
    "rep_id" INTEGER,
    "type" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL,
    "duration_minutes" REAL,
    "cost" REAL NOT NULL DEFAULT 0,
    CONSTRAINT "activity_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "activity_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "activity_rep_id_fkey" FOREIGN KEY ("rep_id") REFERENCES "rep" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "orders" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "product_id" INTEGER,
    "opportunity_id" INTEGER,
    "ordered_at" DATETIME NOT NULL,
    "revenue" REAL NOT NULL,
    "cost_of_goods" REAL NOT NULL DEFAULT 0,
    "quantity" REAL NOT NULL DEFAULT 1,
    "discount" REAL NOT NULL DEFAULT 0,
    CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "orders_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "orders_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "service_cost" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "incurred_at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" REAL NOT NULL,
    CONSTRAINT "service_cost_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "model_version" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "metrics" JSONB,
    "feature_schema" JSONB,
    "artifact_path" TEXT NOT NULL,
    "trained_at" DATETIME NOT NULL,
    "data_from" DATETIME,
    "data_to" DATETIME,
    "promoted_at" DATETIME,
    "retired_at" DATETIME,
    "notes" TEXT
);

-- CreateTable
CREATE TABLE "deal_score" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "opportunity_id" INTEGER NOT NULL,
    "model_version_id" INTEGER,
    "win_probability" REAL NOT NULL,
    "expected_close_at" DATETIME,
    "slip_probability" REAL,
    "fallback" BOOLEAN NOT NULL DEFAULT false,
    "factors" JSONB,
    "scored_at" DATETIME NOT NULL,
    CONSTRAINT "deal_score_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "deal_score_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "customer_score" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "account_id" INTEGER NOT NULL,
    "churn_probability" REAL,
    "churn_model_version_id" INTEGER,
    "p_alive" REAL,
    "expected_purchases" REAL,
    "clv" REAL,
    "clv_model_version_id" INTEGER,
    "rfm_segment" TEXT,
    "rfm_score" TEXT,
    "factors" JSONB,
    "scored_at" DATETIME NOT NULL,
    CONSTRAINT "customer_score_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "forecast_snapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taken_at" DATETIME NOT NULL,
    "as_of" DATETIME NOT NULL,
    "period_label" TEXT NOT NULL,
    "period_start" DATETIME NOT NULL,
    "period_end" DATETIME NOT NULL,
    "method" TEXT NOT NULL,
    "group_by" TEXT,
    "group_key" TEXT,
    "won_to_date" REAL NOT NULL,
    "expected" REAL NOT NULL,
    "p10" REAL NOT NULL,
    "p50" REAL NOT NULL,
    "p90" REAL NOT NULL,
    "details" JSONB
);

-- CreateTable
CREATE TABLE "forecast_snapshot_deal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "snapshot_id" INTEGER NOT NULL,
    "opportunity_id" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "amount" REAL NOT NULL,
    "expected_close_at" DATETIME,
    "win_probability" REAL,
    CONSTRAINT "forecast_snapshot_deal_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "forecast_snapshot" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" DATETIME,
    "last_used_at" DATETIME
);

-- CreateTable
CREATE TABLE "training_job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "model_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "params" JSONB,
    "log" TEXT NOT NULL DEFAULT '',
    "result" JSONB,
    "error" TEXT,
    "started_at" DATETIME NOT NULL,
    "finished_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "account_external_id_key" ON "account"("external_id");

-- CreateIndex
CREATE INDEX "account_segment_idx" ON "account"("segment");

-- CreateIndex
CREATE INDEX "account_region_idx" ON "account"("region");

-- CreateIndex
CREATE INDEX "account_acquired_at_idx" ON "account"("acquired_at");

-- CreateIndex
CREATE UNIQUE INDEX "product_external_id_key" ON "product"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "rep_external_id_key" ON "rep"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_external_id_key" ON "campaign"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "opportunity_external_id_key" ON "opportunity"("external_id");

-- CreateIndex
CREATE INDEX "opportunity_account_id_idx" ON "opportunity"("account_id");

-- CreateIndex
CREATE INDEX "opportunity_rep_id_idx" ON "opportunity"("rep_id");

-- CreateIndex
CREATE INDEX "opportunity_outcome_closed_at_idx" ON "opportunity"("outcome", "closed_at");

-- CreateIndex
CREATE INDEX "opportunity_created_at_idx" ON "opportunity"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "stage_change_external_id_key" ON "stage_change"("external_id");

-- CreateIndex
CREATE INDEX "stage_change_opportunity_id_changed_at_idx" ON "stage_change"("opportunity_id", "changed_at");

-- CreateIndex
CREATE UNIQUE INDEX "activity_external_id_key" ON "activity"("external_id");

-- CreateIndex
CREATE INDEX "activity_account_id_occurred_at_idx" ON "activity"("account_id", "occurred_at");

-- CreateIndex
CREATE INDEX "activity_opportunity_id_occurred_at_idx" ON "activity"("opportunity_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_external_id_key" ON "orders"("external_id");

-- CreateIndex
CREATE INDEX "orders_account_id_ordered_at_idx" ON "orders"("account_id", "ordered_at");

-- CreateIndex
CREATE INDEX "orders_ordered_at_idx" ON "orders"("ordered_at");

-- CreateIndex
CREATE UNIQUE INDEX "service_cost_external_id_key" ON "service_cost"("external_id");

-- CreateIndex
CREATE INDEX "service_cost_account_id_incurred_at_idx" ON "service_cost"("account_id", "incurred_at");

-- CreateIndex
CREATE INDEX "model_version_name_status_idx" ON "model_version"("name", "status");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_name_version_key" ON "model_version"("name", "version");

-- CreateIndex
CREATE INDEX "deal_score_opportunity_id_scored_at_idx" ON "deal_score"("opportunity_id", "scored_at");

-- CreateIndex
CREATE INDEX "customer_score_account_id_scored_at_idx" ON "customer_score"("account_id", "scored_at");

-- CreateIndex
CREATE INDEX "forecast_snapshot_period_label_taken_at_idx" ON "forecast_snapshot"("period_label", "taken_at");

-- CreateIndex
CREATE INDEX "forecast_snapshot_deal_snapshot_id_idx" ON "forecast_snapshot_deal"("snapshot_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_name_key" ON "api_key"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE INDEX "training_job_model_name_status_idx" ON "training_job"("model_name", "status");
