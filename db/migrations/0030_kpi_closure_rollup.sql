CREATE TABLE "kpi_closure_days" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"type_code" text NOT NULL,
	"office_id" text NOT NULL,
	"closed" integer NOT NULL,
	"within_tat" integer NOT NULL,
	"seconds" numeric NOT NULL,
	"ttc" integer[] NOT NULL,
	"closed_by_slot" integer[] NOT NULL,
	"within_by_slot" integer[] NOT NULL,
	"breached_by_level" integer[] NOT NULL,
	CONSTRAINT "kpi_closure_days_day_kind_type_code_office_id_pk" PRIMARY KEY("day","kind","type_code","office_id")
);
--> statement-breakpoint
-- The bucket (1-based) of a time to close given in seconds: domain/kpis.ts TTC_BUCKET_STARTS (hours) from the second on.
CREATE FUNCTION kpi_ttc_bucket(seconds numeric) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(seconds::float8 / 3600, '{0.25,0.5,0.75,1,1.5,2,2.5,3,3.5,4,5,6,7,8,9,10,11,12,14,16,18,20,22,24,28,32,36,40,44,48,56,64,72,80,88,96,108,120,132,144,156,168,192,216,240,264,288,312,336,384,432,480,528,576,624,672,720,960,1200,1440,1680,1920,2160,4320,6480,8640}'::float8[]) + 1
$$;--> statement-breakpoint
-- The half hour (1-based, UTC) of its day an instant falls in.
CREATE FUNCTION kpi_slot(at timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (extract(hour FROM at AT TIME ZONE 'UTC') * 2 + floor(extract(minute FROM at AT TIME ZONE 'UTC') / 30))::integer + 1
$$;--> statement-breakpoint
-- An array of len zeros with v at position pos.
CREATE FUNCTION kpi_unit(len integer, pos integer, v integer) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_fill(0, ARRAY[pos - 1]) || v || array_fill(0, ARRAY[greatest(len - pos, 0)])
$$;--> statement-breakpoint
-- Two arrays added element by element (the shorter one padded with zeros).
CREATE FUNCTION kpi_array_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}') FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i)
$$;--> statement-breakpoint
-- An aggregate: n added at position pos of an array of at least len zeros (the backfill's counts per bucket).
CREATE FUNCTION kpi_tally_step(state integer[], pos integer, n integer, len integer) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF state IS NULL THEN state := array_fill(0, ARRAY[len]); END IF;
  WHILE coalesce(array_length(state, 1), 0) < pos LOOP state := state || 0; END LOOP;
  state[pos] := state[pos] + n;
  RETURN state;
END $$;--> statement-breakpoint
CREATE AGGREGATE kpi_tally(integer, integer, integer) (SFUNC = kpi_tally_step, STYPE = integer[]);--> statement-breakpoint
-- One item's closure added to (sign 1) or taken from (sign -1) its day's row; a row left with nothing is deleted.
CREATE FUNCTION kpi_closure_add(p_sign integer, p_kind text, p_type text, p_office text, p_done timestamptz,
    p_submitted timestamptz, p_breached boolean, p_level integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO kpi_closure_days AS d (day, kind, type_code, office_id, closed, within_tat, seconds, ttc,
      closed_by_slot, within_by_slot, breached_by_level)
  SELECT (p_done AT TIME ZONE 'UTC')::date, p_kind, p_type, p_office, p_sign, x.w, p_sign * x.s,
    kpi_unit(67, kpi_ttc_bucket(x.s), p_sign), kpi_unit(48, kpi_slot(p_done), p_sign), kpi_unit(48, kpi_slot(p_done), x.w),
    CASE WHEN p_breached THEN kpi_unit(greatest(p_level, 0) + 1, greatest(p_level, 0) + 1, p_sign) ELSE '{}' END
  FROM (SELECT extract(epoch FROM p_done - p_submitted) AS s, CASE WHEN p_breached THEN 0 ELSE p_sign END AS w) x
  ON CONFLICT (day, kind, type_code, office_id) DO UPDATE SET
    closed = d.closed + excluded.closed,
    within_tat = d.within_tat + excluded.within_tat,
    seconds = d.seconds + excluded.seconds,
    ttc = kpi_array_add(d.ttc, excluded.ttc),
    closed_by_slot = kpi_array_add(d.closed_by_slot, excluded.closed_by_slot),
    within_by_slot = kpi_array_add(d.within_by_slot, excluded.within_by_slot),
    breached_by_level = kpi_array_add(d.breached_by_level, excluded.breached_by_level);
  DELETE FROM kpi_closure_days
  WHERE day = (p_done AT TIME ZONE 'UTC')::date AND kind = p_kind AND type_code = p_type AND office_id = p_office AND closed = 0;
$$;--> statement-breakpoint
-- A request's closure as its row changed: the old version's taken back, the new one's added (lower key first: two
-- moves between the same two days cannot deadlock).
CREATE FUNCTION kpi_track_request_closures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  take boolean := false;
  add boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN take := OLD.closed_at IS NOT NULL; END IF;
  IF TG_OP <> 'DELETE' THEN add := NEW.closed_at IS NOT NULL; END IF;
  IF take AND add AND ((NEW.closed_at AT TIME ZONE 'UTC')::date, NEW.type_code, NEW.office_id)
      < ((OLD.closed_at AT TIME ZONE 'UTC')::date, OLD.type_code, OLD.office_id) THEN
    PERFORM kpi_closure_add(1, 'request', NEW.type_code, NEW.office_id, NEW.closed_at, NEW.submitted_at, NEW.breached, NEW.escalation_level);
    add := false;
  END IF;
  IF take THEN
    PERFORM kpi_closure_add(-1, 'request', OLD.type_code, OLD.office_id, OLD.closed_at, OLD.submitted_at, OLD.breached, OLD.escalation_level);
  END IF;
  IF add THEN
    PERFORM kpi_closure_add(1, 'request', NEW.type_code, NEW.office_id, NEW.closed_at, NEW.submitted_at, NEW.breached, NEW.escalation_level);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
-- The same for a complaint, at its resolution.
CREATE FUNCTION kpi_track_complaint_closures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  take boolean := false;
  add boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN take := OLD.resolved_at IS NOT NULL; END IF;
  IF TG_OP <> 'DELETE' THEN add := NEW.resolved_at IS NOT NULL; END IF;
  IF take AND add AND ((NEW.resolved_at AT TIME ZONE 'UTC')::date, NEW.type_code, NEW.office_id)
      < ((OLD.resolved_at AT TIME ZONE 'UTC')::date, OLD.type_code, OLD.office_id) THEN
    PERFORM kpi_closure_add(1, 'complaint', NEW.type_code, NEW.office_id, NEW.resolved_at, NEW.submitted_at, NEW.breached, NEW.escalation_level);
    add := false;
  END IF;
  IF take THEN
    PERFORM kpi_closure_add(-1, 'complaint', OLD.type_code, OLD.office_id, OLD.resolved_at, OLD.submitted_at, OLD.breached, OLD.escalation_level);
  END IF;
  IF add THEN
    PERFORM kpi_closure_add(1, 'complaint', NEW.type_code, NEW.office_id, NEW.resolved_at, NEW.submitted_at, NEW.breached, NEW.escalation_level);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
-- A truncated table takes its kind's rollup with it.
CREATE FUNCTION kpi_forget_closures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM kpi_closure_days WHERE kind = TG_ARGV[0];
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER kpi_closures_insert AFTER INSERT ON service_requests FOR EACH ROW
  WHEN (NEW.closed_at IS NOT NULL) EXECUTE FUNCTION kpi_track_request_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_update AFTER UPDATE ON service_requests FOR EACH ROW
  WHEN ((OLD.closed_at IS NOT NULL OR NEW.closed_at IS NOT NULL)
    AND (OLD.closed_at, OLD.submitted_at, OLD.type_code, OLD.office_id, OLD.breached, OLD.escalation_level)
      IS DISTINCT FROM (NEW.closed_at, NEW.submitted_at, NEW.type_code, NEW.office_id, NEW.breached, NEW.escalation_level))
  EXECUTE FUNCTION kpi_track_request_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_delete AFTER DELETE ON service_requests FOR EACH ROW
  WHEN (OLD.closed_at IS NOT NULL) EXECUTE FUNCTION kpi_track_request_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_truncate AFTER TRUNCATE ON service_requests FOR EACH STATEMENT
  EXECUTE FUNCTION kpi_forget_closures('request');--> statement-breakpoint
CREATE TRIGGER kpi_closures_insert AFTER INSERT ON complaints FOR EACH ROW
  WHEN (NEW.resolved_at IS NOT NULL) EXECUTE FUNCTION kpi_track_complaint_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_update AFTER UPDATE ON complaints FOR EACH ROW
  WHEN ((OLD.resolved_at IS NOT NULL OR NEW.resolved_at IS NOT NULL)
    AND (OLD.resolved_at, OLD.submitted_at, OLD.type_code, OLD.office_id, OLD.breached, OLD.escalation_level)
      IS DISTINCT FROM (NEW.resolved_at, NEW.submitted_at, NEW.type_code, NEW.office_id, NEW.breached, NEW.escalation_level))
  EXECUTE FUNCTION kpi_track_complaint_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_delete AFTER DELETE ON complaints FOR EACH ROW
  WHEN (OLD.resolved_at IS NOT NULL) EXECUTE FUNCTION kpi_track_complaint_closures();--> statement-breakpoint
CREATE TRIGGER kpi_closures_truncate AFTER TRUNCATE ON complaints FOR EACH STATEMENT
  EXECUTE FUNCTION kpi_forget_closures('complaint');--> statement-breakpoint
-- The rollup computed afresh from the items (the backfill below; the KPI bench after its bulk load).
CREATE FUNCTION kpi_closures_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM kpi_closure_days;
  INSERT INTO kpi_closure_days (day, kind, type_code, office_id, closed, within_tat, seconds, ttc,
      closed_by_slot, within_by_slot, breached_by_level)
  SELECT (done AT TIME ZONE 'UTC')::date, kind, type_code, office_id, count(*), count(*) FILTER (WHERE NOT breached), sum(s),
    kpi_tally(kpi_ttc_bucket(s), 1, 67), kpi_tally(kpi_slot(done), 1, 48), kpi_tally(kpi_slot(done), (NOT breached)::integer, 48),
    coalesce(kpi_tally(greatest(level, 0) + 1, 1, 0) FILTER (WHERE breached), '{}')
  FROM (
    SELECT 'request' AS kind, type_code, office_id, closed_at AS done, breached, escalation_level AS level,
      extract(epoch FROM closed_at - submitted_at) AS s
    FROM service_requests WHERE closed_at IS NOT NULL
    UNION ALL
    SELECT 'complaint', type_code, office_id, resolved_at, breached, escalation_level, extract(epoch FROM resolved_at - submitted_at)
    FROM complaints WHERE resolved_at IS NOT NULL
  ) i
  GROUP BY 1, 2, 3, 4;
$$;--> statement-breakpoint
SELECT kpi_closures_rebuild();
