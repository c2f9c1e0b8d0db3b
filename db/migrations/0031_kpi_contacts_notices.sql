CREATE TABLE "kpi_notice_days" (
	"day" date NOT NULL,
	"office_id" text NOT NULL,
	"first_channel" text NOT NULL,
	"status" text NOT NULL,
	"fell_back" boolean NOT NULL,
	"notices" integer NOT NULL,
	CONSTRAINT "kpi_notice_days_day_office_id_first_channel_status_fell_back_pk" PRIMARY KEY("day","office_id","first_channel","status","fell_back")
);
--> statement-breakpoint
CREATE INDEX "inbound_contact_slots_kpi_idx" ON "inbound_contact_slots" USING btree ("slot","office_id","channel","kind","contacts");--> statement-breakpoint
-- One notice added to (sign 1) or taken from (sign -1) its day's row; a row left with none is deleted.
CREATE FUNCTION kpi_notice_add(p_sign integer, p_at timestamptz, p_office text, p_channel text, p_status text,
    p_fell_back boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO kpi_notice_days AS d (day, office_id, first_channel, status, fell_back, notices)
  VALUES ((p_at AT TIME ZONE 'UTC')::date, coalesce(p_office, ''), p_channel, p_status, p_fell_back, p_sign)
  ON CONFLICT (day, office_id, first_channel, status, fell_back) DO UPDATE SET notices = d.notices + excluded.notices;
  DELETE FROM kpi_notice_days
  WHERE day = (p_at AT TIME ZONE 'UTC')::date AND office_id = coalesce(p_office, '') AND first_channel = p_channel
    AND status = p_status AND fell_back = p_fell_back AND notices = 0;
$$;--> statement-breakpoint
-- A notice as its row changed: the old version's taken back, the new one's added (lower key first: two
-- changes between the same two rows cannot deadlock).
CREATE FUNCTION kpi_track_notices() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  take boolean := TG_OP <> 'INSERT';
  add boolean := TG_OP <> 'DELETE';
BEGIN
  IF take AND add AND ((NEW.created_at AT TIME ZONE 'UTC')::date, coalesce(NEW.kpi_office_id, ''), NEW.first_channel, NEW.status, NEW.fell_back)
      < ((OLD.created_at AT TIME ZONE 'UTC')::date, coalesce(OLD.kpi_office_id, ''), OLD.first_channel, OLD.status, OLD.fell_back) THEN
    PERFORM kpi_notice_add(1, NEW.created_at, NEW.kpi_office_id, NEW.first_channel, NEW.status, NEW.fell_back);
    add := false;
  END IF;
  IF take THEN
    PERFORM kpi_notice_add(-1, OLD.created_at, OLD.kpi_office_id, OLD.first_channel, OLD.status, OLD.fell_back);
  END IF;
  IF add THEN
    PERFORM kpi_notice_add(1, NEW.created_at, NEW.kpi_office_id, NEW.first_channel, NEW.status, NEW.fell_back);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION kpi_forget_notices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM kpi_notice_days;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER kpi_notices_insert AFTER INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION kpi_track_notices();--> statement-breakpoint
CREATE TRIGGER kpi_notices_update AFTER UPDATE ON notifications FOR EACH ROW
  WHEN ((OLD.created_at, OLD.kpi_office_id, OLD.first_channel, OLD.status, OLD.fell_back)
    IS DISTINCT FROM (NEW.created_at, NEW.kpi_office_id, NEW.first_channel, NEW.status, NEW.fell_back))
  EXECUTE FUNCTION kpi_track_notices();--> statement-breakpoint
CREATE TRIGGER kpi_notices_delete AFTER DELETE ON notifications FOR EACH ROW EXECUTE FUNCTION kpi_track_notices();--> statement-breakpoint
CREATE TRIGGER kpi_notices_truncate AFTER TRUNCATE ON notifications FOR EACH STATEMENT EXECUTE FUNCTION kpi_forget_notices();--> statement-breakpoint
-- The rollup computed afresh from the notices (the backfill below; the KPI bench after its bulk load).
CREATE FUNCTION kpi_notices_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM kpi_notice_days;
  INSERT INTO kpi_notice_days (day, office_id, first_channel, status, fell_back, notices)
  SELECT (created_at AT TIME ZONE 'UTC')::date, coalesce(kpi_office_id, ''), first_channel, status, fell_back, count(*)
  FROM notifications GROUP BY 1, 2, 3, 4, 5;
$$;--> statement-breakpoint
SELECT kpi_notices_rebuild();
