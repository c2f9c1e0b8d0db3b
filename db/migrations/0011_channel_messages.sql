CREATE TABLE "channel_messages" (
	"channel" text NOT NULL,
	"message_id" text NOT NULL,
	"status" text NOT NULL,
	"answer" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_messages_channel_message_id_pk" PRIMARY KEY("channel","message_id")
);
--> statement-breakpoint
CREATE TABLE "channel_sessions" (
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"consumer_number" text,
	"pending" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_sessions_channel_address_pk" PRIMARY KEY("channel","address")
);
