CREATE TABLE "repair_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_office_id" text NOT NULL,
	"action" text NOT NULL,
	"scope" text NOT NULL,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"outcome" text NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"batch_job_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "repair_actions_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "repair_actions_created_idx" ON "repair_actions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "repair_actions_target_idx" ON "repair_actions" USING btree ("target","created_at");