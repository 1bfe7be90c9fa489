-- CreateTable
CREATE TABLE "data_version" (
    "id" INTEGER NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "data_version_pkey" PRIMARY KEY ("id")
);

-- The one row: its version goes up by one at the commit of every transaction, of any process,
-- that changed the tables forecasts and reports are computed from. Cached answers are keyed by it.
INSERT INTO "data_version" ("id", "version") VALUES (1, 0);

-- The machinery lives in a schema of its own: Prisma describes only "public", and its schema
-- describer cannot read constraint triggers.
CREATE SCHEMA "salescast_internal";

-- One row per writing transaction; its deferred trigger adds one to the version at commit, so the
-- counter row is locked for the commit alone (a long import does not make every other writer
-- wait behind it) and the new version becomes visible together with the data it counts.
CREATE TABLE "salescast_internal"."data_version_pending" ("id" SERIAL PRIMARY KEY);

CREATE FUNCTION "salescast_internal"."data_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "public"."data_version" SET "version" = "version" + 1 WHERE "id" = 1;
  DELETE FROM "salescast_internal"."data_version_pending" WHERE "id" = NEW."id";
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER "data_version_bump" AFTER INSERT ON "salescast_internal"."data_version_pending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "salescast_internal"."data_version_bump"();

-- Statement trigger on each data table: the first change of a transaction (remembered in a
-- transaction-local setting) adds its row to data_version_pending.
CREATE FUNCTION "salescast_internal"."data_version_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('salescast.data_changed', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('salescast.data_changed', 'on', true);
    INSERT INTO "salescast_internal"."data_version_pending" DEFAULT VALUES;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "data_version_account" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "account" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_product" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "product" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_rep" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "rep" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_campaign" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "campaign" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_opportunity" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "opportunity" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_stage_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stage_change" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_activity" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "activity" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_orders" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "orders" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_service_cost" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "service_cost" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
CREATE TRIGGER "data_version_model_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "model_version" FOR EACH STATEMENT EXECUTE FUNCTION "salescast_internal"."data_version_mark"();
