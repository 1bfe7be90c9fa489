-- CreateTable
CREATE TABLE "campaign_target" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "campaign_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "targeted_at" TIMESTAMP(3),

    CONSTRAINT "campaign_target_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "campaign_target_external_id_key" ON "campaign_target"("external_id");

-- CreateIndex
CREATE INDEX "campaign_target_account_id_idx" ON "campaign_target"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_target_campaign_id_account_id_key" ON "campaign_target"("campaign_id", "account_id");

-- AddForeignKey
ALTER TABLE "campaign_target" ADD CONSTRAINT "campaign_target_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_target" ADD CONSTRAINT "campaign_target_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
