CREATE TABLE "campaign_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"by" text NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"stage" text NOT NULL,
	"consumer_number" text NOT NULL,
	"route" text NOT NULL,
	"status" text NOT NULL,
	"chain" jsonb,
	"step" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"channel" text,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"claim" text,
	"claimed_by" text,
	"calls" integer DEFAULT 0 NOT NULL,
	"call_outcome" text,
	"call_note" text,
	"escalated_at" timestamp with time zone,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_recipients" (
	"campaign_id" text NOT NULL,
	"consumer_number" text NOT NULL,
	"transformer_id" text NOT NULL,
	"feeder_id" text NOT NULL,
	"office_id" text NOT NULL,
	"area" text NOT NULL,
	"call_list" boolean NOT NULL,
	"call_reason" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_recipients_campaign_id_consumer_number_pk" PRIMARY KEY("campaign_id","consumer_number")
);
--> statement-breakpoint
CREATE TABLE "campaign_stages" (
	"campaign_id" text NOT NULL,
	"stage" text NOT NULL,
	"template" text NOT NULL,
	"params" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_stages_campaign_id_stage_pk" PRIMARY KEY("campaign_id","stage")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"outage_id" text,
	"office_id" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "social_category" text;--> statement-breakpoint
CREATE INDEX "campaign_calls_delivery_idx" ON "campaign_calls" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "campaign_deliveries_due_idx" ON "campaign_deliveries" USING btree ("campaign_id","route","status","due_at");--> statement-breakpoint
CREATE INDEX "campaign_deliveries_consumer_idx" ON "campaign_deliveries" USING btree ("campaign_id","consumer_number");--> statement-breakpoint
CREATE INDEX "campaigns_office_idx" ON "campaigns" USING btree ("office_id");