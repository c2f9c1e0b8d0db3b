CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "inbound_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"agent" text NOT NULL,
	"office_id" text NOT NULL,
	"consumer_number" text NOT NULL,
	"kind" text NOT NULL,
	"request_number" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inbound_contacts_at_idx" ON "inbound_contacts" USING btree ("at");--> statement-breakpoint
CREATE INDEX "inbound_contacts_agent_consumer_idx" ON "inbound_contacts" USING btree ("agent","consumer_number","at");--> statement-breakpoint
CREATE INDEX "consumers_name_trgm_idx" ON "consumers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "consumers_address_trgm_idx" ON "consumers" USING gin ("address" gin_trgm_ops);