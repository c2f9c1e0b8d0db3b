ALTER TABLE "bills" ADD COLUMN "disconnection_date" date;--> statement-breakpoint
ALTER TABLE "campaign_deliveries" ADD COLUMN "params" jsonb;--> statement-breakpoint
ALTER TABLE "campaign_stages" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "title" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "spec" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "bills_disconnection_idx" ON "bills" USING btree ("disconnection_date");--> statement-breakpoint
-- Bills already there are cut 15 days after they fall due, as new ones are (domain/ledger.ts disconnectionDateOf).
UPDATE "bills" SET "disconnection_date" = "due_date" + 15 WHERE "disconnection_date" IS NULL;
