CREATE TABLE "workflow_inbox" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"task_queue" text NOT NULL,
	"workflow_type" text NOT NULL,
	"key_id" text NOT NULL,
	"sealed" "bytea" NOT NULL,
	"answer" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE INDEX "workflow_inbox_due_idx" ON "workflow_inbox" USING btree ("namespace","task_queue","lease_until");