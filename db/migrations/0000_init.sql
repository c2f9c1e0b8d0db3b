CREATE TYPE "public"."office_level" AS ENUM('circle', 'division', 'subdivision', 'section');--> statement-breakpoint
CREATE TABLE "offices" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" "office_level" NOT NULL,
	"parent_id" text,
	"path" text NOT NULL,
	"phone" text,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offices_path_unique" UNIQUE("path")
);
--> statement-breakpoint
CREATE TABLE "feeders" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"substation_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "substations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"office_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transformers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"feeder_id" text NOT NULL,
	"section_office_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consumers" (
	"consumer_number" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"language" text DEFAULT 'en' NOT NULL,
	"preferred_channel" text DEFAULT 'sms' NOT NULL,
	"address" text NOT NULL,
	"category" text DEFAULT 'LT-1A domestic' NOT NULL,
	"life_support" boolean DEFAULT false NOT NULL,
	"section_office_id" text NOT NULL,
	"transformer_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"id" text PRIMARY KEY NOT NULL,
	"consumer_number" text NOT NULL,
	"period" text NOT NULL,
	"units_kwh" numeric(10, 1) NOT NULL,
	"amount" numeric(12, 2) NOT NULL,
	"due_date" date NOT NULL,
	"paid" boolean DEFAULT false NOT NULL,
	CONSTRAINT "bills_consumer_period_uq" UNIQUE("consumer_number","period")
);
--> statement-breakpoint
CREATE TABLE "pings" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"consumer_number" text NOT NULL,
	"channel" text NOT NULL,
	"requested_by" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feeders" ADD CONSTRAINT "feeders_substation_id_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "substations" ADD CONSTRAINT "substations_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transformers" ADD CONSTRAINT "transformers_feeder_id_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transformers" ADD CONSTRAINT "transformers_section_office_id_offices_id_fk" FOREIGN KEY ("section_office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consumers" ADD CONSTRAINT "consumers_section_office_id_offices_id_fk" FOREIGN KEY ("section_office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consumers" ADD CONSTRAINT "consumers_transformer_id_transformers_id_fk" FOREIGN KEY ("transformer_id") REFERENCES "public"."transformers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pings" ADD CONSTRAINT "pings_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "offices_parent_idx" ON "offices" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "consumers_section_idx" ON "consumers" USING btree ("section_office_id");--> statement-breakpoint
CREATE INDEX "consumers_transformer_idx" ON "consumers" USING btree ("transformer_id");--> statement-breakpoint
CREATE INDEX "consumers_phone_idx" ON "consumers" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "bills_consumer_idx" ON "bills" USING btree ("consumer_number");