CREATE TABLE "inbound_contact_slots" (
	"slot" timestamp with time zone NOT NULL,
	"office_id" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"contacts" integer NOT NULL,
	CONSTRAINT "inbound_contact_slots_slot_office_id_channel_kind_pk" PRIMARY KEY("slot","office_id","channel","kind")
);
--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "consumer_office_id" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "kpi_office_id" text GENERATED ALWAYS AS (coalesce(office_id, consumer_office_id)) STORED;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "first_channel" text GENERATED ALWAYS AS (coalesce(chain->>0, channel)) STORED;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "fell_back" boolean GENERATED ALWAYS AS ((status = 'delivered' and channel <> coalesce(chain->>0, channel))) STORED;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "service_requests_kpi_closed_idx" ON "service_requests" USING btree ("closed_at","office_id","type_code","breached","escalation_level","submitted_at") WHERE closed_at is not null;--> statement-breakpoint
CREATE INDEX "service_requests_kpi_open_idx" ON "service_requests" USING btree ("office_id","status","submitted_at","type_code","breached","escalation_level") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "notifications_kpi_idx" ON "notifications" USING btree ("created_at","kpi_office_id","first_channel","status","fell_back");--> statement-breakpoint
CREATE INDEX "complaints_kpi_resolved_idx" ON "complaints" USING btree ("resolved_at","office_id","type_code","breached","escalation_level","submitted_at") WHERE resolved_at is not null;--> statement-breakpoint
CREATE INDEX "complaints_kpi_open_idx" ON "complaints" USING btree ("office_id","status","submitted_at","type_code","breached","escalation_level","priority","acknowledged_at") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "campaign_deliveries_calls_idx" ON "campaign_deliveries" USING btree ("campaign_id","calls") WHERE calls > 0;--> statement-breakpoint
-- The KPIs' facts for the rows already there, from the state each row keeps.
UPDATE "service_requests" SET "breached" = true WHERE coalesce(("state"->>'breached')::boolean, false);--> statement-breakpoint
UPDATE "complaints" SET "breached" = coalesce(("state"->>'breached')::boolean, false), "resolved_at" = ("state"->>'resolvedAt')::timestamptz WHERE "state" IS NOT NULL AND ("state"->>'resolvedAt' IS NOT NULL OR coalesce(("state"->>'breached')::boolean, false));--> statement-breakpoint
UPDATE "notifications" n SET "consumer_office_id" = c."section_office_id" FROM "consumers" c WHERE n."consumer_number" = c."consumer_number" AND n."consumer_office_id" IS NULL;--> statement-breakpoint
INSERT INTO "inbound_contact_slots" ("slot", "office_id", "channel", "kind", "contacts")
  SELECT date_bin('30 minutes', "at", timestamptz '2000-01-01 00:00:00+00'), "office_id", "channel", "kind", count(*)::int
  FROM "inbound_contacts" GROUP BY 1, 2, 3, 4;
