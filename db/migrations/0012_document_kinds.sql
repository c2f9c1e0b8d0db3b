ALTER TABLE "documents" ADD COLUMN "kinds" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "documents" SET "kinds" = ARRAY["kind"] WHERE "kinds" = '{}';
