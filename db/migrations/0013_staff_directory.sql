CREATE TABLE "staff" (
	"subject" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"office_id" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"preferred_channel" text NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "on_call_shifts" (
	"id" text PRIMARY KEY NOT NULL,
	"office_id" text NOT NULL,
	"subject" text NOT NULL,
	"from_time" text NOT NULL,
	"to_time" text NOT NULL,
	"weekdays" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_inbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject" text NOT NULL,
	"notice_key" text NOT NULL,
	"template" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_subject_staff_subject_fk" FOREIGN KEY ("subject") REFERENCES "public"."staff"("subject") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_office_role_idx" ON "staff" USING btree ("office_id","role");--> statement-breakpoint
CREATE INDEX "on_call_shifts_office_idx" ON "on_call_shifts" USING btree ("office_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_inbox_subject_notice_idx" ON "staff_inbox" USING btree ("subject","notice_key");--> statement-breakpoint
CREATE INDEX "staff_inbox_subject_created_idx" ON "staff_inbox" USING btree ("subject","created_at");