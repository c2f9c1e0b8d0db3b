CREATE TABLE "signing_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"public_key" text NOT NULL,
	"label" text,
	"registered_by" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"id" text PRIMARY KEY NOT NULL,
	"request_number" text NOT NULL,
	"revision" integer NOT NULL,
	"service" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"signer_subject" text NOT NULL,
	"key_id" text NOT NULL,
	"ciphertext" "bytea" NOT NULL,
	"issued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_decisions" ADD COLUMN "signature_key_id" text;--> statement-breakpoint
ALTER TABLE "request_decisions" ADD COLUMN "signed_message" text;--> statement-breakpoint
ALTER TABLE "request_decisions" ADD COLUMN "signature" text;--> statement-breakpoint
CREATE INDEX "signing_keys_subject_idx" ON "signing_keys" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "receipts_rn_idx" ON "receipts" USING btree ("request_number");