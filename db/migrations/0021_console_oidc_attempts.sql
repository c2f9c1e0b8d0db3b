CREATE TABLE "console_oidc_attempts" (
	"binding_hash" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"nonce" text NOT NULL,
	"code_verifier" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "console_oidc_attempts_expires_idx" ON "console_oidc_attempts" USING btree ("expires_at");