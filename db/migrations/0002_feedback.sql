CREATE TABLE "feedback" (
	"request_number" text PRIMARY KEY NOT NULL,
	"consumer_number" text NOT NULL,
	"rating" integer NOT NULL,
	"category" text NOT NULL,
	"comment" text,
	"reopened" text DEFAULT 'no' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
