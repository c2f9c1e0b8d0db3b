CREATE TABLE "dev_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dev_outbox_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "notification_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"attempt" integer NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"provider" text NOT NULL,
	"provider_message_id" text,
	"status" text NOT NULL,
	"detail" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "print_queue" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"consumer_number" text NOT NULL,
	"key_id" text NOT NULL,
	"pdf" "bytea" NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"printed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "opt_outs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "chain" jsonb;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notification_attempts_key_idx" ON "notification_attempts" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_attempts_provider_msg_idx" ON "notification_attempts" USING btree ("provider","provider_message_id");