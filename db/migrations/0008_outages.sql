CREATE TABLE "outage_events" (
	"id" text PRIMARY KEY NOT NULL,
	"outage_id" text NOT NULL,
	"event" text NOT NULL,
	"detail" jsonb NOT NULL,
	"by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outages" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"feeder_ids" jsonb NOT NULL,
	"transformer_ids" jsonb NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"etr" timestamp with time zone NOT NULL,
	"restored_at" timestamp with time zone,
	"office_id" text NOT NULL,
	"registered_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outage_events_outage_idx" ON "outage_events" USING btree ("outage_id");--> statement-breakpoint
CREATE INDEX "outages_status_idx" ON "outages" USING btree ("status");