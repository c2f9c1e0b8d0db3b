CREATE TABLE "request_counters" (
	"prefix" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "request_counters_prefix_year_pk" PRIMARY KEY("prefix","year")
);
--> statement-breakpoint
CREATE TABLE "request_types" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intake_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_number" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"request_number" text NOT NULL,
	"action" text NOT NULL,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_office_id" text,
	"detail" jsonb NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_requests" (
	"request_number" text PRIMARY KEY NOT NULL,
	"type_code" text NOT NULL,
	"consumer_number" text NOT NULL,
	"office_id" text NOT NULL,
	"escalation_office_id" text,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"current_step" text,
	"due_at" timestamp with time zone,
	"channel" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"state" jsonb,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"key" text PRIMARY KEY NOT NULL,
	"consumer_number" text,
	"office_id" text,
	"role" text,
	"channel" text NOT NULL,
	"language" text NOT NULL,
	"template" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"consumer_number" text NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"key_id" text NOT NULL,
	"ciphertext" "bytea" NOT NULL,
	"verdict" jsonb NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "calendar" jsonb;--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "sanctioned_load_kw" numeric(8, 2) DEFAULT '3' NOT NULL;--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "request_decisions_rn_idx" ON "request_decisions" USING btree ("request_number");--> statement-breakpoint
CREATE INDEX "service_requests_office_status_idx" ON "service_requests" USING btree ("office_id","status");--> statement-breakpoint
CREATE INDEX "service_requests_escalation_idx" ON "service_requests" USING btree ("escalation_office_id","status");--> statement-breakpoint
CREATE INDEX "service_requests_consumer_idx" ON "service_requests" USING btree ("consumer_number");--> statement-breakpoint
CREATE INDEX "notifications_consumer_idx" ON "notifications" USING btree ("consumer_number");--> statement-breakpoint
CREATE INDEX "notifications_office_idx" ON "notifications" USING btree ("office_id");--> statement-breakpoint
CREATE INDEX "documents_consumer_idx" ON "documents" USING btree ("consumer_number");