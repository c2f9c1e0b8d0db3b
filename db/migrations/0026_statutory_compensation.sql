CREATE TABLE "compensation_credits" (
	"request_number" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"type_code" text NOT NULL,
	"consumer_number" text NOT NULL,
	"office_id" text NOT NULL,
	"month" text NOT NULL,
	"area_class" text NOT NULL,
	"standard_ms" bigint NOT NULL,
	"elapsed_ms" bigint NOT NULL,
	"late_ms" bigint NOT NULL,
	"periods_late" integer NOT NULL,
	"rule" jsonb NOT NULL,
	"capped" boolean NOT NULL,
	"citation" text NOT NULL,
	"example" boolean NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"posting_id" bigint NOT NULL,
	"credited_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "compensation_credits_area_class_ck" CHECK ("compensation_credits"."area_class" in ('urban', 'rural', 'hilly')),
	CONSTRAINT "compensation_credits_amount_ck" CHECK ("compensation_credits"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "area_class" text DEFAULT 'urban' NOT NULL;--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "area_class" text;--> statement-breakpoint
ALTER TABLE "compensation_credits" ADD CONSTRAINT "compensation_credits_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compensation_credits" ADD CONSTRAINT "compensation_credits_posting_id_ledger_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."ledger_postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compensation_credits_consumer_idx" ON "compensation_credits" USING btree ("consumer_number","credited_at");--> statement-breakpoint
CREATE INDEX "compensation_credits_office_month_idx" ON "compensation_credits" USING btree ("month","office_id");--> statement-breakpoint
ALTER TABLE "offices" ADD CONSTRAINT "offices_area_class_ck" CHECK ("offices"."area_class" in ('urban', 'rural', 'hilly'));--> statement-breakpoint
ALTER TABLE "consumers" ADD CONSTRAINT "consumers_area_class_ck" CHECK ("consumers"."area_class" in ('urban', 'rural', 'hilly'));