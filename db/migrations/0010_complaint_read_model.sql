CREATE TABLE "complaints" (
	"request_number" text PRIMARY KEY NOT NULL,
	"type_code" text NOT NULL,
	"priority" text NOT NULL,
	"consumer_number" text NOT NULL,
	"office_id" text NOT NULL,
	"status" text NOT NULL,
	"due_at" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalation_office_id" text,
	"outage_id" text,
	"crew" text,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"reports" integer DEFAULT 1 NOT NULL,
	"channel" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"state" jsonb,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outage_complaints" (
	"outage_id" text NOT NULL,
	"request_number" text NOT NULL,
	"consumer_number" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outage_complaints_outage_id_request_number_pk" PRIMARY KEY("outage_id","request_number")
);
--> statement-breakpoint
CREATE INDEX "complaints_office_status_idx" ON "complaints" USING btree ("office_id","status");--> statement-breakpoint
CREATE INDEX "complaints_escalation_idx" ON "complaints" USING btree ("escalation_office_id","status");--> statement-breakpoint
CREATE INDEX "complaints_consumer_idx" ON "complaints" USING btree ("consumer_number");--> statement-breakpoint
CREATE INDEX "complaints_outage_idx" ON "complaints" USING btree ("outage_id");