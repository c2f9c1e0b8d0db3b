CREATE TABLE "open_complaints" (
	"consumer_number" text NOT NULL,
	"type_code" text NOT NULL,
	"request_number" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "open_complaints_consumer_number_type_code_pk" PRIMARY KEY("consumer_number","type_code")
);
