-- Documents uploaded before this migration were keyed by the content hash alone: that is their sha256.
ALTER TABLE "documents" ADD COLUMN "sha256" text;--> statement-breakpoint
UPDATE "documents" SET "sha256" = "id" WHERE "sha256" IS NULL;--> statement-breakpoint
ALTER TABLE "documents" ALTER COLUMN "sha256" SET NOT NULL;
