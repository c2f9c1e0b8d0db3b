CREATE TABLE "channel_links" (
	"channel" text NOT NULL,
	"user_id" text NOT NULL,
	"consumer_number" text,
	"linked_at" timestamp with time zone,
	"offer_number" text,
	"code_hash" text,
	"code_expires_at" timestamp with time zone,
	"code_sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_links_channel_user_id_pk" PRIMARY KEY("channel","user_id")
);
--> statement-breakpoint
ALTER TABLE "channel_messages" ADD COLUMN "replied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_links" ADD CONSTRAINT "channel_links_consumer_number_consumers_consumer_number_fk" FOREIGN KEY ("consumer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_links" ADD CONSTRAINT "channel_links_offer_number_consumers_consumer_number_fk" FOREIGN KEY ("offer_number") REFERENCES "public"."consumers"("consumer_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_links_consumer_idx" ON "channel_links" USING btree ("consumer_number");