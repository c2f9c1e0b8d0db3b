CREATE TABLE "ledger_postings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"consumer_number" text,
	"kind" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"bill_id" text,
	"source_ref" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"reverses_id" bigint,
	CONSTRAINT "ledger_postings_idempotency_key_uq" UNIQUE("idempotency_key"),
	CONSTRAINT "ledger_postings_kind_ck" CHECK ("ledger_postings"."kind" in ('bill', 'payment', 'compensation', 'reversal', 'suspense')),
	CONSTRAINT "ledger_postings_consumer_ck" CHECK (("ledger_postings"."kind" = 'suspense') = ("ledger_postings"."consumer_number" is null))
);
--> statement-breakpoint
CREATE TABLE "bulk_payment_lines" (
	"bulk_payment_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"consumer_number" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"bill_reference" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"bill_id" text,
	"posting_id" bigint,
	CONSTRAINT "bulk_payment_lines_bulk_payment_id_line_no_pk" PRIMARY KEY("bulk_payment_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "bulk_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"corporate_id" text NOT NULL,
	"office_id" text NOT NULL,
	"statement_ref" text NOT NULL,
	"list_ref" text NOT NULL,
	"statement_format" text NOT NULL,
	"statement_entries" jsonb NOT NULL,
	"hints" jsonb NOT NULL,
	"status" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bulk_payments_workflow_uq" UNIQUE("workflow_id")
);
--> statement-breakpoint
CREATE TABLE "corporate_consumers" (
	"corporate_id" text NOT NULL,
	"consumer_number" text NOT NULL,
	CONSTRAINT "corporate_consumers_corporate_id_consumer_number_pk" PRIMARY KEY("corporate_id","consumer_number")
);
--> statement-breakpoint
CREATE TABLE "corporates" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"office_id" text NOT NULL,
	"virtual_account" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "public"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_reverses_id_ledger_postings_id_fk" FOREIGN KEY ("reverses_id") REFERENCES "public"."ledger_postings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_payment_lines" ADD CONSTRAINT "bulk_payment_lines_bulk_payment_id_bulk_payments_id_fk" FOREIGN KEY ("bulk_payment_id") REFERENCES "public"."bulk_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_payments" ADD CONSTRAINT "bulk_payments_corporate_id_corporates_id_fk" FOREIGN KEY ("corporate_id") REFERENCES "public"."corporates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporate_consumers" ADD CONSTRAINT "corporate_consumers_corporate_id_corporates_id_fk" FOREIGN KEY ("corporate_id") REFERENCES "public"."corporates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporate_consumers" ADD CONSTRAINT "corporate_consumers_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corporates" ADD CONSTRAINT "corporates_office_id_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_postings_consumer_idx" ON "ledger_postings" USING btree ("consumer_number","posted_at","id");--> statement-breakpoint
CREATE INDEX "ledger_postings_bill_idx" ON "ledger_postings" USING btree ("bill_id");--> statement-breakpoint
CREATE INDEX "bulk_payment_lines_status_idx" ON "bulk_payment_lines" USING btree ("bulk_payment_id","status");--> statement-breakpoint
CREATE INDEX "bulk_payments_office_idx" ON "bulk_payments" USING btree ("office_id","created_at");--> statement-breakpoint
-- Existing bills become bill postings, and the payments of paid bills payment postings (the same
-- keys and times as the demo data loader's, so loading the demo data afterwards adds nothing).
INSERT INTO "ledger_postings" ("consumer_number", "kind", "amount", "bill_id", "source_ref", "idempotency_key", "posted_at", "note")
SELECT "consumer_number", 'bill', "amount", "id", 'bill', 'bill/' || "id", (("due_date" - 14)::timestamp AT TIME ZONE 'Asia/Kolkata'), 'bill ' || "period"
FROM "bills" ORDER BY "due_date", "id"
ON CONFLICT ("idempotency_key") DO NOTHING;--> statement-breakpoint
INSERT INTO "ledger_postings" ("consumer_number", "kind", "amount", "bill_id", "source_ref", "idempotency_key", "posted_at", "note")
SELECT "consumer_number", 'payment', -"amount", "id", 'bill', 'bill-paid/' || "id", ("due_date"::timestamp AT TIME ZONE 'Asia/Kolkata'), 'paid before the ledger'
FROM "bills" WHERE "paid" ORDER BY "due_date", "id"
ON CONFLICT ("idempotency_key") DO NOTHING;
