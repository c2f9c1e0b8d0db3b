-- Complaint intake in one round trip (#15). Everything the door decides before it starts a
-- complaint workflow, in one short transaction: who the consumer is, whether the caller's copy of
-- the complaint type is current, the Request Number the report's intake key stands for (reserved
-- on the first attempt, the same on every retry), the consumer's open-complaint slot of that type
-- (taken, or held by the complaint this report joins), and the outage cutting their supply (linked
-- before the workflow starts, so a restoration from then on finds the complaint).
-- use-cases/register-complaint.ts is its only caller; test/complaint-intake-sql.test.ts holds it
-- to the TypeScript it replaces (Request Number format and check digit, outage choice).

-- The Verhoeff check digit of a string of digits (domain/verhoeff.ts verhoeffCheckDigit).
CREATE OR REPLACE FUNCTION seva_verhoeff_check(digits text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  d constant integer[] := '{{0,1,2,3,4,5,6,7,8,9},{1,2,3,4,0,6,7,8,9,5},{2,3,4,0,1,7,8,9,5,6},{3,4,0,1,2,8,9,5,6,7},{4,0,1,2,3,9,5,6,7,8},{5,9,8,7,6,0,4,3,2,1},{6,5,9,8,7,1,0,4,3,2},{7,6,5,9,8,2,1,0,4,3},{8,7,6,5,9,3,2,1,0,4},{9,8,7,6,5,4,3,2,1,0}}';
  p constant integer[] := '{{0,1,2,3,4,5,6,7,8,9},{1,5,7,6,2,8,3,0,9,4},{5,8,0,3,7,9,6,1,4,2},{8,9,1,6,0,4,3,5,2,7},{9,4,5,3,1,2,6,8,7,0},{4,2,8,6,5,7,3,9,0,1},{2,7,9,3,8,0,6,4,1,5},{7,0,4,6,9,1,3,2,5,8}}';
  inv constant integer[] := '{0,4,3,2,1,5,6,7,8,9}';
  c integer := 0;
  n integer := length(digits);
BEGIN
  FOR i IN 0 .. n - 1 LOOP
    c := d[c + 1][p[((i + 1) % 8) + 1][substr(digits, n - i, 1)::integer + 1] + 1];
  END LOOP;
  RETURN inv[c + 1];
END $$;
--> statement-breakpoint

-- The next Request Number of a prefix in the year of `at` (UTC), as db/request-numbers.ts formats it.
CREATE OR REPLACE FUNCTION seva_next_request_number(p_prefix text, p_at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  yr integer := extract(year FROM p_at AT TIME ZONE 'UTC')::integer;
  serial integer;
  body text;
BEGIN
  INSERT INTO request_counters AS rc (prefix, year, last) VALUES (p_prefix, yr, 1)
    ON CONFLICT (prefix, year) DO UPDATE SET last = rc.last + 1
    RETURNING rc.last INTO serial;
  body := CASE WHEN length(serial::text) < 6 THEN lpad(serial::text, 6, '0') ELSE serial::text END;
  RETURN p_prefix || '-' || yr || '-' || body || '-' || seva_verhoeff_check(yr || body);
END $$;
--> statement-breakpoint

-- outcome: 'new' (number reserved, slot taken: start the workflow), 'retry' (this very report came
-- before and its complaint holds the slot: start again, which finds the run, and answer with its
-- state), 'join' (another complaint of the same type is open: report to it), 'no-consumer',
-- 'no-type', 'stale-type' (the caller's copy of the type is not the stored version: reload, call again).
CREATE OR REPLACE FUNCTION seva_complaint_intake(
  p_key text,
  p_consumer text,
  p_type text,
  p_type_version integer,
  p_outage_linkable boolean,
  p_at timestamptz,
  -- a channel report's sender (phone in E.164, e-mail address): is it the account's own contact?
  p_sender_phone text DEFAULT NULL,
  p_sender_email text DEFAULT NULL
) RETURNS TABLE (
  outcome text,
  consumer_language text,
  own_contact boolean,
  request_number text,
  type_version integer,
  office_id text,
  office_path text,
  calendar jsonb,
  outage_id text,
  outage_area text,
  outage_etr timestamptz
)
LANGUAGE plpgsql AS $$
DECLARE
  v_transformer text;
  v_transformer_name text;
  v_feeder text;
  v_feeder_name text;
  v_reserved text;
  v_held text;
  v_rn text;
  v_outage_transformers jsonb;
BEGIN
  SELECT c.section_office_id, o.path, o.calendar, c.transformer_id, t.name, t.feeder_id, f.name, c.language,
      coalesce(c.phone = p_sender_phone, false) OR coalesce(lower(c.email) = lower(p_sender_email), false)
    INTO office_id, office_path, calendar, v_transformer, v_transformer_name, v_feeder, v_feeder_name, consumer_language,
      own_contact
    FROM consumers c
    JOIN offices o ON o.id = c.section_office_id
    JOIN transformers t ON t.id = c.transformer_id
    JOIN feeders f ON f.id = t.feeder_id
    WHERE c.consumer_number = p_consumer;
  IF NOT FOUND THEN
    outcome := 'no-consumer';
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT rt.version INTO type_version FROM request_types rt
    WHERE rt.code = p_type AND rt.kind = 'complaint' AND rt.active;
  IF NOT FOUND THEN
    outcome := 'no-type';
    RETURN NEXT;
    RETURN;
  END IF;
  IF type_version <> p_type_version THEN
    outcome := 'stale-type';
    RETURN NEXT;
    RETURN;
  END IF;

  -- The outage cutting this supply now (db/outages.ts currentOutageFor): on the consumer's
  -- transformer or its feeder, not restored, cancelled or over, the earliest started.
  IF p_outage_linkable THEN
    SELECT og.id, og.etr, og.transformer_ids INTO outage_id, outage_etr, v_outage_transformers
      FROM outages og
      WHERE og.status IN ('scheduled', 'active')
        AND (og.ends_at IS NULL OR og.ends_at > p_at)
        AND og.starts_at <= p_at
        AND (og.transformer_ids ? v_transformer OR og.feeder_ids ? v_feeder)
      ORDER BY og.starts_at
      LIMIT 1;
    IF outage_id IS NOT NULL THEN
      outage_area := CASE WHEN v_outage_transformers ? v_transformer THEN v_transformer_name ELSE v_feeder_name END;
    END IF;
  END IF;

  IF p_key IS NOT NULL THEN
    SELECT ik.request_number INTO v_reserved FROM intake_keys ik WHERE ik.key = p_key;
  END IF;
  SELECT oc.request_number INTO v_held FROM open_complaints oc
    WHERE oc.consumer_number = p_consumer AND oc.type_code = p_type;

  IF v_held IS NULL OR v_held IS NOT DISTINCT FROM v_reserved THEN
    v_rn := coalesce(v_held, v_reserved);
    IF v_rn IS NULL THEN
      v_rn := seva_next_request_number('CR', p_at);
      IF p_key IS NOT NULL THEN
        INSERT INTO intake_keys (key, request_number) VALUES (p_key, v_rn) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          -- Two deliveries at once: the first one's number wins (this one's serial is left unused).
          SELECT ik.request_number INTO v_rn FROM intake_keys ik WHERE ik.key = p_key;
          v_reserved := v_rn;
        END IF;
      END IF;
    END IF;
    IF v_held IS NULL THEN
      INSERT INTO open_complaints (consumer_number, type_code, request_number)
        VALUES (p_consumer, p_type, v_rn) ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        -- Another report of the same took the slot first: this one joins it (or is it, when the
        -- other was this very report delivered twice at once).
        SELECT oc.request_number INTO v_held FROM open_complaints oc
          WHERE oc.consumer_number = p_consumer AND oc.type_code = p_type;
      ELSE
        v_held := NULL;
        outcome := 'new';
      END IF;
    END IF;
    IF outcome IS NULL AND v_held IS NOT DISTINCT FROM v_rn THEN
      outcome := CASE WHEN v_reserved IS NOT NULL AND v_held = v_reserved THEN 'retry' ELSE 'new' END;
    END IF;
  END IF;

  IF outcome IS NULL THEN
    outcome := 'join';
    v_rn := v_held;
  END IF;
  request_number := v_rn;
  -- Written before the workflow starts (or the Update joins), so a restoration from now on finds it.
  IF outage_id IS NOT NULL THEN
    INSERT INTO outage_complaints (outage_id, request_number, consumer_number)
      VALUES (outage_id, v_rn, p_consumer) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEXT;
END $$;
--> statement-breakpoint

-- The Request Number an intake key stands for, in one round trip (db/request-numbers.ts): the one
-- reserved before (with the submission's hash, so a reused key with another request is refused),
-- else a new one. A key reserved longer than `p_reuse_after` ago is given a new number (the
-- implicit key of a submission sent without an Idempotency-Key is only a retry within minutes);
-- NULL keeps a key for good.
CREATE OR REPLACE FUNCTION seva_reserve_request_number(
  p_key text,
  p_prefix text,
  p_at timestamptz,
  p_body_hash text DEFAULT NULL,
  p_reuse_after interval DEFAULT NULL
) RETURNS TABLE (request_number text, reserved boolean, body_hash text)
LANGUAGE plpgsql AS $$
BEGIN
  FOR attempt IN 1 .. 3 LOOP
    SELECT ik.request_number, false, ik.body_hash INTO request_number, reserved, body_hash
      FROM intake_keys ik
      WHERE ik.key = p_key AND (p_reuse_after IS NULL OR ik.created_at > now() - p_reuse_after);
    IF FOUND THEN
      RETURN NEXT;
      RETURN;
    END IF;
    request_number := seva_next_request_number(p_prefix, p_at);
    INSERT INTO intake_keys AS ik (key, request_number, body_hash, created_at)
      VALUES (p_key, request_number, p_body_hash, now())
      ON CONFLICT (key) DO UPDATE
        SET request_number = excluded.request_number, body_hash = excluded.body_hash, created_at = now()
        WHERE p_reuse_after IS NOT NULL AND ik.created_at <= now() - p_reuse_after;
    IF FOUND THEN
      reserved := true;
      body_hash := p_body_hash;
      RETURN NEXT;
      RETURN;
    END IF;
    -- Two deliveries at once: the first one's number wins; look again.
  END LOOP;
  RAISE EXCEPTION 'intake key % could not be reserved', p_key;
END $$;
