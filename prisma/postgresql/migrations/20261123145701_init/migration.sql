-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "account" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" TEXT,
    "industry" TEXT,
    "region" TEXT,
    "country" TEXT,
    "size" TEXT,
    "employees" INTEGER,
    "annual_revenue" DOUBLE PRECISION,
    "acquired_at" TIMESTAMP(3),
    "acquisition_campaign_id" INTEGER,
    "acquisition_cost" DOUBLE PRECISION,
    "status" TEXT NOT NULL DEFAULT 'active',
    "churned_at" TIMESTAMP(3),
    "attributes" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "family" TEXT,
    "list_price" DOUBLE PRECISION,
    "unit_cost" DOUBLE PRECISION,
    "attributes" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rep" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "team" TEXT,
    "manager" TEXT,
    "region" TEXT,
    "hired_at" TIMESTAMP(3),
    "attributes" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channel" TEXT,
    "cost" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "attributes" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "opportunity" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT,
    "account_id" INTEGER,
    "product_id" INTEGER,
    "rep_id" INTEGER,
    "campaign_id" INTEGER,
    "amount" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "discount" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMP(3) NOT NULL,
    "expected_close_at" TIMESTAMP(3),
    "closed_at" TIMESTAMP(3),
    "source" TEXT,
    "forecast_category" TEXT,
    "attributes" JSONB,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "opportunity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_change" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "opportunity_id" INTEGER NOT NULL,
    "from_stage" TEXT,
    "to_stage" TEXT NOT NULL,
    "amount" DOUBLE PRECISION,
    "expected_close_at" TIMESTAMP(3),
    "changed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "stage_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER,
    "opportunity_id" INTEGER,
    "rep_id" INTEGER,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "duration_minutes" DOUBLE PRECISION,
    "cost" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "product_id" INTEGER,
    "opportunity_id" INTEGER,
    "ordered_at" TIMESTAMP(3) NOT NULL,
    "revenue" DOUBLE PRECISION NOT NULL,
    "cost_of_goods" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "quantity" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "discount" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_cost" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "incurred_at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "service_cost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_version" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "metrics" JSONB,
    "feature_schema" JSONB,
    "artifact_path" TEXT NOT NULL,
    "trained_at" TIMESTAMP(3) NOT NULL,
    "data_from" TIMESTAMP(3),
    "data_to" TIMESTAMP(3),
    "promoted_at" TIMESTAMP(3),
    "retired_at" TIMESTAMP(3),
    "notes" TEXT,

    CONSTRAINT "model_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deal_score" (
    "id" SERIAL NOT NULL,
    "opportunity_id" INTEGER NOT NULL,
    "model_version_id" INTEGER,
    "win_probability" DOUBLE PRECISION NOT NULL,
    "expected_close_at" TIMESTAMP(3),
    "slip_probability" DOUBLE PRECISION,
    "fallback" BOOLEAN NOT NULL DEFAULT false,
    "factors" JSONB,
    "scored_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "deal_score_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_score" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "churn_probability" DOUBLE PRECISION,
    "churn_model_version_id" INTEGER,
    "p_alive" DOUBLE PRECISION,
    "expected_purchases" DOUBLE PRECISION,
    "clv" DOUBLE PRECISION,
    "clv_model_version_id" INTEGER,
    "rfm_segment" TEXT,
    "rfm_score" TEXT,
    "factors" JSONB,
    "scored_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "customer_score_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forecast_snapshot" (
    "id" SERIAL NOT NULL,
    "taken_at" TIMESTAMP(3) NOT NULL,
    "as_of" TIMESTAMP(3) NOT NULL,
    "period_label" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "method" TEXT NOT NULL,
    "group_by" TEXT,
    "group_key" TEXT,
    "won_to_date" DOUBLE PRECISION NOT NULL,
    "expected" DOUBLE PRECISION NOT NULL,
    "p10" DOUBLE PRECISION NOT NULL,
    "p50" DOUBLE PRECISION NOT NULL,
    "p90" DOUBLE PRECISION NOT NULL,
    "details" JSONB,

    CONSTRAINT "forecast_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forecast_snapshot_deal" (
    "id" SERIAL NOT NULL,
    "snapshot_id" INTEGER NOT NULL,
    "opportunity_id" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "amount" DOUBLE PRECISION NOT NULL,
    "expected_close_at" TIMESTAMP(3),
    "win_probability" DOUBLE PRECISION,

    CONSTRAINT "forecast_snapshot_deal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_job" (
    "id" SERIAL NOT NULL,
    "model_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "params" JSONB,
    "log" TEXT NOT NULL DEFAULT '',
    "result" JSONB,
    "error" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "training_job_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_acquisition_campaign_id_fkey" FOREIGN KEY ("acquisition_campaign_id") REFERENCES "campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_rep_id_fkey" FOREIGN KEY ("rep_id") REFERENCES "rep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_change" ADD CONSTRAINT "stage_change_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_rep_id_fkey" FOREIGN KEY ("rep_id") REFERENCES "rep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_cost" ADD CONSTRAINT "service_cost_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deal_score" ADD CONSTRAINT "deal_score_opportunity_id_fkey" FOREIGN KEY ("opportunity_id") REFERENCES "opportunity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deal_score" ADD CONSTRAINT "deal_score_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_score" ADD CONSTRAINT "customer_score_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forecast_snapshot_deal" ADD CONSTRAINT "forecast_snapshot_deal_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "forecast_snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;
