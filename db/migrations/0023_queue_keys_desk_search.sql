DROP INDEX "consumers_name_trgm_idx";--> statement-breakpoint
DROP INDEX "consumers_address_trgm_idx";--> statement-breakpoint
ALTER TABLE "consumers" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower(name || ' ' || address)) STORED;--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "queue_rank" smallint GENERATED ALWAYS AS ((case when coalesce((state->>'breached')::boolean, false) then 0 else 2 end + case when coalesce((state->>'warned')::boolean, false) then 0 else 1 end)) STORED;--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "queue_due" timestamp with time zone GENERATED ALWAYS AS (coalesce(due_at, 'infinity'::timestamptz)) STORED;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "queue_rank" smallint GENERATED ALWAYS AS ((4 * case priority when 'emergency' then 0 when 'high' then 1 when 'normal' then 2 else 3 end + case status when 'open' then 0 when 'assigned' then 0 when 'awaiting-restoration' then 1 when 'resolved' then 2 else 3 end)) STORED;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "queue_due" timestamp with time zone GENERATED ALWAYS AS (coalesce(due_at, 'infinity'::timestamptz)) STORED;--> statement-breakpoint
CREATE INDEX "consumers_search_trgm_idx" ON "consumers" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "service_requests_queue_urgent_idx" ON "service_requests" USING btree ("queue_rank","queue_due","request_number");--> statement-breakpoint
CREATE INDEX "service_requests_queue_due_idx" ON "service_requests" USING btree ("queue_due","request_number");--> statement-breakpoint
CREATE INDEX "complaints_queue_idx" ON "complaints" USING btree ("queue_rank","queue_due","request_number");