CREATE TABLE "bulk_payment_reports" (
	"bulk_payment_id" text NOT NULL,
	"version" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"signer_subject" text NOT NULL,
	"key_id" text NOT NULL,
	"ciphertext" "bytea" NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bulk_payment_reports_bulk_payment_id_version_pk" PRIMARY KEY("bulk_payment_id","version")
);
--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD COLUMN "posted_by" text;--> statement-breakpoint
ALTER TABLE "bulk_payment_reports" ADD CONSTRAINT "bulk_payment_reports_bulk_payment_id_bulk_payments_id_fk" FOREIGN KEY ("bulk_payment_id") REFERENCES "public"."bulk_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_postings_reverses_uq" ON "ledger_postings" USING btree ("reverses_id") WHERE "ledger_postings"."reverses_id" is not null;