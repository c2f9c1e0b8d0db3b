-- The notices rollup (kpi_notice_days, 0031) kept per statement instead of per row. A row trigger
-- upserted a day row for every notice a statement wrote, and a campaign's batches write 2,000 at
-- once: 2,000 upserts of the same few day rows each (4,000 when a status changed), and batches of
-- two dispatchers, taking those rows in the order of their notices, deadlocked each other. Now each
-- statement's changes are summed first (its transition tables), and each day row it moves is
-- upserted once, in key order: two statements take the rows they share in the same order.
DROP TRIGGER kpi_notices_insert ON notifications;--> statement-breakpoint
DROP TRIGGER kpi_notices_update ON notifications;--> statement-breakpoint
DROP TRIGGER kpi_notices_delete ON notifications;--> statement-breakpoint
DROP FUNCTION kpi_track_notices();--> statement-breakpoint
DROP FUNCTION kpi_notice_add(integer, timestamptz, text, text, text, boolean);--> statement-breakpoint
-- The summed changes of one statement (one entry per day row, none that sum to 0) added to their
-- rows, lowest key first; a row left with no notices is deleted.
CREATE FUNCTION kpi_notice_apply(p_day date[], p_office text[], p_channel text[], p_status text[],
    p_fell_back boolean[], p_n integer[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO kpi_notice_days AS d (day, office_id, first_channel, status, fell_back, notices)
  SELECT day, office_id, first_channel, status, fell_back, n
  FROM unnest(p_day, p_office, p_channel, p_status, p_fell_back, p_n)
    AS k(day, office_id, first_channel, status, fell_back, n)
  ORDER BY day, office_id, first_channel, status, fell_back
  ON CONFLICT (day, office_id, first_channel, status, fell_back) DO UPDATE SET notices = d.notices + excluded.notices;
  DELETE FROM kpi_notice_days d
  USING unnest(p_day, p_office, p_channel, p_status, p_fell_back) AS k(day, office_id, first_channel, status, fell_back)
  WHERE d.day = k.day AND d.office_id = k.office_id AND d.first_channel = k.first_channel
    AND d.status = k.status AND d.fell_back = k.fell_back AND d.notices = 0;
$$;--> statement-breakpoint
CREATE FUNCTION kpi_notices_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_notice_apply(array_agg(day), array_agg(office_id), array_agg(first_channel), array_agg(status),
    array_agg(fell_back), array_agg(n))
  FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(kpi_office_id, '') AS office_id, first_channel,
          status, fell_back, count(*)::int AS n
        FROM new_rows GROUP BY 1, 2, 3, 4, 5) s
  HAVING count(*) > 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION kpi_notices_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_notice_apply(array_agg(day), array_agg(office_id), array_agg(first_channel), array_agg(status),
    array_agg(fell_back), array_agg(n))
  FROM (SELECT day, office_id, first_channel, status, fell_back, sum(sign)::int AS n
        FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(kpi_office_id, '') AS office_id,
                first_channel, status, fell_back, 1 AS sign FROM new_rows
              UNION ALL
              SELECT (created_at AT TIME ZONE 'UTC')::date, coalesce(kpi_office_id, ''), first_channel, status,
                fell_back, -1 FROM old_rows) c
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0) s
  HAVING count(*) > 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION kpi_notices_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kpi_notice_apply(array_agg(day), array_agg(office_id), array_agg(first_channel), array_agg(status),
    array_agg(fell_back), array_agg(n))
  FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(kpi_office_id, '') AS office_id, first_channel,
          status, fell_back, -count(*)::int AS n
        FROM old_rows GROUP BY 1, 2, 3, 4, 5) s
  HAVING count(*) > 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER kpi_notices_insert AFTER INSERT ON notifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_notices_inserted();--> statement-breakpoint
CREATE TRIGGER kpi_notices_update AFTER UPDATE ON notifications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_notices_updated();--> statement-breakpoint
CREATE TRIGGER kpi_notices_delete AFTER DELETE ON notifications REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kpi_notices_deleted();
