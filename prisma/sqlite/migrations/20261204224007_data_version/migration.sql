-- CreateTable
CREATE TABLE "data_version" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" BIGINT NOT NULL DEFAULT 0
);

-- The one row: its version goes up by one for every row any process inserts, updates or deletes in
-- the tables forecasts and reports are computed from (SQLite has row triggers only; it has one
-- writer at a time, so the counter row costs no waiting). Cached answers are keyed by it.
INSERT INTO "data_version" ("id", "version") VALUES (1, 0);
CREATE TRIGGER "data_version_account_insert" AFTER INSERT ON "account" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_account_update" AFTER UPDATE ON "account" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_account_delete" AFTER DELETE ON "account" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_product_insert" AFTER INSERT ON "product" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_product_update" AFTER UPDATE ON "product" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_product_delete" AFTER DELETE ON "product" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_rep_insert" AFTER INSERT ON "rep" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_rep_update" AFTER UPDATE ON "rep" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_rep_delete" AFTER DELETE ON "rep" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_campaign_insert" AFTER INSERT ON "campaign" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_campaign_update" AFTER UPDATE ON "campaign" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_campaign_delete" AFTER DELETE ON "campaign" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_opportunity_insert" AFTER INSERT ON "opportunity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_opportunity_update" AFTER UPDATE ON "opportunity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_opportunity_delete" AFTER DELETE ON "opportunity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_stage_change_insert" AFTER INSERT ON "stage_change" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_stage_change_update" AFTER UPDATE ON "stage_change" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_stage_change_delete" AFTER DELETE ON "stage_change" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_activity_insert" AFTER INSERT ON "activity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_activity_update" AFTER UPDATE ON "activity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_activity_delete" AFTER DELETE ON "activity" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_orders_insert" AFTER INSERT ON "orders" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_orders_update" AFTER UPDATE ON "orders" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_orders_delete" AFTER DELETE ON "orders" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_service_cost_insert" AFTER INSERT ON "service_cost" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_service_cost_update" AFTER UPDATE ON "service_cost" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_service_cost_delete" AFTER DELETE ON "service_cost" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_model_version_insert" AFTER INSERT ON "model_version" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_model_version_update" AFTER UPDATE ON "model_version" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "data_version_model_version_delete" AFTER DELETE ON "model_version" BEGIN UPDATE "data_version" SET "version" = "version" + 1 WHERE "id" = 1; END;
