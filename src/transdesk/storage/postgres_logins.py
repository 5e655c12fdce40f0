"""Server logins and roles on a PostgreSQL desk (the PostgreSQL-only step m019).

Why functions and not row-level security: the rules are about *changes* (a translator
may turn a unit they hold, or a free one, into `translated`; only a reviewer may turn it
into `approved`, never their own work; a history row comes with every change), and a
row-level policy sees a row, not the step from its old state to its new one. So the
translator and reviewer groups get no INSERT, UPDATE or DELETE on any table, only SELECT
and EXECUTE on three SECURITY DEFINER functions (`transdesk_next`, `transdesk_submit`,
`transdesk_release`) that check the caller's role, make the change and write its history
row in one transaction. The editor group writes the tables directly (import, draft, po
and tm import, accept: the existing library code) but may only add to `history`, never
change or delete it. Every history row records the server login (`session_user`, which a
SECURITY DEFINER function does not change) in `history.login`, set by a trigger.

Errors raised here carry our own SQLSTATEs, turned into exit codes by
`storage.postgres`: TD001 refused (exit 1), TD002 bad input (exit 2), TD003 the role
needed (exit 1).
"""

from __future__ import annotations

_NOW = """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"

M019_SERVER_LOGINS = f"""
CREATE TABLE desk_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

ALTER TABLE history ADD COLUMN login TEXT;
CREATE FUNCTION history_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.login := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER history_login BEFORE INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION history_login();

CREATE FUNCTION transdesk_now() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT {_NOW}
$$;

-- the server role that stands for one of the desk's three roles
CREATE FUNCTION transdesk_role(p_role text) RETURNS text LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT value || '_' || p_role FROM desk_settings WHERE key = 'role_prefix'
$$;

-- whether the login holds a desk role; the database's owner and superusers hold them all
CREATE FUNCTION transdesk_holds(p_role text) RETURNS boolean LANGUAGE plpgsql STABLE {_DEFINER}
AS $$
DECLARE
    r text := transdesk_role(p_role);
BEGIN
    IF session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                       WHERE datname = current_database())
       OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN true;
    END IF;
    RETURN r IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
        AND pg_has_role(session_user, r, 'MEMBER');
END $$;

CREATE FUNCTION transdesk_require(p_role text, p_what text) RETURNS void
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
BEGIN
    IF NOT transdesk_holds(p_role) THEN
        RAISE EXCEPTION '% needs the % role (login %)', p_what, p_role, session_user
            USING ERRCODE = 'TD003';
    END IF;
END $$;

-- the translator a call works for: the login itself, or (for an editor only) the name
-- given; the history's `login` column still records the login
CREATE FUNCTION transdesk_acting(p_as text) RETURNS text
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
BEGIN
    IF p_as IS NULL OR p_as = session_user THEN
        RETURN session_user;
    END IF;
    IF btrim(p_as) = '' OR p_as ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'invalid translator name %', quote_literal(p_as) USING ERRCODE = 'TD002';
    END IF;
    PERFORM transdesk_require('editor', format('working as %s (--as)', p_as));
    RETURN p_as;
END $$;

-- claim the next unit: the login's own live claim first, then the first free unit in
-- queue order; FOR UPDATE SKIP LOCKED: a unit another claim is taking is passed over
CREATE FUNCTION transdesk_next(
    p_lang text, p_article text, p_review boolean, p_minutes double precision,
    p_exclude bigint[], p_as text
) RETURNS TABLE (claimed_unit bigint, expires_at text)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    me text := transdesk_acting(p_as);
    ts text := transdesk_now();
    statuses text[] := CASE WHEN p_review THEN ARRAY['translated']
                            ELSE ARRAY['untranslated', 'draft'] END;
    st text;
    found_id bigint;
    expires text;
BEGIN
    PERFORM transdesk_require(CASE WHEN p_review THEN 'reviewer' ELSE 'translator' END,
                              CASE WHEN p_review THEN 'reviewing' ELSE 'taking a unit' END);
    IF p_minutes IS NULL OR NOT (p_minutes > 0 AND p_minutes <= 525600) THEN
        RAISE EXCEPTION 'claim duration must be a positive number of minutes, at most 525600'
            ' (a year), not %', p_minutes USING ERRCODE = 'TD002';
    END IF;
    SELECT t.unit_id INTO found_id FROM translations t
        WHERE t.claimed_by = me AND t.claim_expires >= ts AND t.status = ANY (statuses)
          AND t.lang = p_lang AND t.obsolete = 0
          AND (NOT p_review OR t.translator IS NULL OR t.translator <> me)
          AND (p_article IS NULL OR t.article_id = p_article)
          AND NOT (t.unit_id = ANY (coalesce(p_exclude, '{{}}')))
        ORDER BY t.article_id, t.position LIMIT 1
        FOR UPDATE;
    IF found_id IS NULL THEN
        FOREACH st IN ARRAY statuses LOOP
            SELECT t.unit_id INTO found_id FROM translations t
                WHERE t.lang = p_lang AND t.status = st AND t.obsolete = 0
                  AND (t.claimed_by IS NULL OR t.claim_expires < ts)
                  AND (NOT p_review OR t.translator IS NULL OR t.translator <> me)
                  AND (p_article IS NULL OR t.article_id = p_article)
                  AND NOT (t.unit_id = ANY (coalesce(p_exclude, '{{}}')))
                ORDER BY t.article_id, t.position LIMIT 1
                FOR UPDATE SKIP LOCKED;
            EXIT WHEN found_id IS NOT NULL;
        END LOOP;
    END IF;
    IF found_id IS NULL THEN
        RETURN;
    END IF;
    expires := to_char((clock_timestamp() + p_minutes * interval '1 minute') AT TIME ZONE 'UTC',
                       'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    UPDATE translations t SET claimed_by = me, claim_expires = expires
        WHERE t.unit_id = found_id AND t.lang = p_lang;
    claimed_unit := found_id;
    expires_at := expires;
    RETURN NEXT;
END $$;

-- give back the login's own claim; others' claims stay
CREATE FUNCTION transdesk_release(p_unit bigint, p_lang text, p_as text) RETURNS boolean
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    me text := transdesk_acting(p_as);
BEGIN
    PERFORM transdesk_require('translator', 'releasing a unit');
    UPDATE translations SET claimed_by = NULL, claim_expires = NULL
        WHERE unit_id = p_unit AND lang = p_lang AND claimed_by = me;
    RETURN FOUND;
END $$;

-- save a translation (translated; approved with p_approve), its history row, and
-- release the claim: workflow.submit and store.write_translation, checked by the server
CREATE FUNCTION transdesk_submit(
    p_unit bigint, p_lang text, p_text text, p_accept boolean, p_approve boolean, p_as text
) RETURNS TABLE (new_status text, new_text text, changed boolean)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    me text := transdesk_acting(p_as);
    ts text := transdesk_now();
    r translations%ROWTYPE;
    v_status text := CASE WHEN p_approve THEN 'approved' ELSE 'translated' END;
    v_text text;
    v_origin text;
    v_score double precision;
    v_action text;
    v_article text;
    v_targets text;
BEGIN
    PERFORM transdesk_require(CASE WHEN p_approve THEN 'reviewer' ELSE 'translator' END,
                              CASE WHEN p_approve THEN 'approving or correcting'
                                   ELSE 'submitting' END);
    IF (p_text IS NULL) = (NOT p_accept) THEN
        RAISE EXCEPTION 'give either a text (--text) or --accept, not both or neither'
            USING ERRCODE = 'TD002';
    END IF;
    IF p_text IS NOT NULL AND btrim(p_text) = '' THEN
        RAISE EXCEPTION 'empty translation: type the text, or use --accept for the draft'
            USING ERRCODE = 'TD002';
    END IF;
    SELECT * INTO r FROM translations WHERE unit_id = p_unit AND lang = p_lang FOR UPDATE;
    IF NOT FOUND THEN
        SELECT u.article_id, a.targets INTO v_article, v_targets
            FROM units u JOIN articles a ON a.id = u.article_id WHERE u.id = p_unit;
        IF v_article IS NULL THEN
            RAISE EXCEPTION 'unknown unit % (see ''transdesk units ARTICLE'')', p_unit
                USING ERRCODE = 'TD002';
        END IF;
        RAISE EXCEPTION 'unit % of article ''%'' has no % translation (its targets: %)',
            p_unit, v_article, p_lang, replace(v_targets, ',', ', ') USING ERRCODE = 'TD002';
    END IF;
    IF r.claimed_by IS NOT NULL AND r.claimed_by <> me AND coalesce(r.claim_expires, '') >= ts
    THEN
        RAISE EXCEPTION 'unit % (%) is claimed by % until % UTC; ask them or wait',
            p_unit, p_lang, r.claimed_by, replace(left(r.claim_expires, 19), 'T', ' ')
            USING ERRCODE = 'TD001';
    END IF;
    IF r.obsolete <> 0 THEN
        RAISE EXCEPTION 'unit % is obsolete (its sentence left the source)', p_unit
            USING ERRCODE = 'TD001';
    END IF;
    IF p_accept AND (r.text IS NULL OR r.status = 'untranslated') THEN
        RAISE EXCEPTION 'unit % (%) has no draft to accept: type a translation', p_unit, p_lang
            USING ERRCODE = 'TD001';
    END IF;
    IF p_approve THEN
        IF r.status NOT IN ('translated', 'approved') THEN
            RAISE EXCEPTION 'unit % (%) is %: approving is a second person''s review; submit'
                ' it as translated first', p_unit, p_lang, r.status USING ERRCODE = 'TD001';
        END IF;
        IF r.translator = me THEN
            RAISE EXCEPTION 'unit % (%) was translated by you: someone else reviews it',
                p_unit, p_lang USING ERRCODE = 'TD001';
        END IF;
    END IF;
    IF p_accept THEN
        v_text := r.text; v_origin := r.origin; v_score := r.score;
        v_action := CASE WHEN p_approve THEN 'approve' ELSE 'accept' END;
    ELSE
        v_text := p_text; v_origin := 'human'; v_score := NULL;
        v_action := CASE WHEN p_approve THEN 'correct' ELSE 'translate' END;
    END IF;
    changed := ROW(r.text, r.status, r.origin, r.score)
        IS DISTINCT FROM ROW(v_text, v_status, v_origin, v_score);
    IF changed THEN
        UPDATE translations SET text = v_text, status = v_status, origin = v_origin,
            score = v_score, translator = me, updated_at = ts
            WHERE unit_id = p_unit AND lang = p_lang;
        INSERT INTO history (unit_id, lang, at, translator, origin, action, old_text,
                             new_text, old_status, new_status)
            VALUES (p_unit, p_lang, ts, me, v_origin, v_action, r.text, v_text, r.status,
                    v_status);
    END IF;
    UPDATE translations SET claimed_by = NULL, claim_expires = NULL
        WHERE unit_id = p_unit AND lang = p_lang;
    new_status := v_status;
    new_text := v_text;
    RETURN NEXT;
END $$;

-- the team: create a login (or take an existing one) and give it one desk role.
-- A password only for a login created here, and only as a SCRAM verifier (computed by
-- the client, so the password itself never reaches the server or its logs).
CREATE FUNCTION transdesk_team_set(
    p_name text, p_role text, p_create boolean, p_verifier text
) RETURNS boolean
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    r text;
    created boolean := false;
    target pg_roles%ROWTYPE;
BEGIN
    PERFORM transdesk_require('editor', 'managing the team');
    IF p_role IS NOT NULL AND p_role NOT IN ('translator', 'reviewer', 'editor') THEN
        RAISE EXCEPTION 'unknown role %: translator, reviewer or editor', p_role
            USING ERRCODE = 'TD002';
    END IF;
    IF p_name !~ '^[a-z_][a-z0-9_.-]{{0,62}}$' THEN
        RAISE EXCEPTION 'invalid login name %: lower-case letters, digits, _ . - (a letter first)',
            p_name USING ERRCODE = 'TD002';
    END IF;
    SELECT * INTO target FROM pg_roles WHERE rolname = p_name;
    IF NOT FOUND THEN
        IF NOT p_create THEN
            RAISE EXCEPTION 'no login % on this server (see transdesk team add)', p_name
                USING ERRCODE = 'TD002';
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN', p_name);
        created := true;
    ELSIF target.rolsuper OR target.rolcreaterole OR target.rolcreatedb
          OR target.rolreplication OR target.rolbypassrls OR NOT target.rolcanlogin
          OR p_name = (SELECT pg_get_userbyid(datdba) FROM pg_database
                       WHERE datname = current_database()) THEN
        RAISE EXCEPTION 'login % is not an ordinary login (an administrator or the desk''s'
            ' owner): the team commands leave it alone', p_name USING ERRCODE = 'TD001';
    END IF;
    IF p_verifier IS NOT NULL THEN
        IF NOT created THEN
            RAISE EXCEPTION 'login % already exists: they change their own password'
                ' (psql: \\password)', p_name USING ERRCODE = 'TD001';
        END IF;
        IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            RAISE EXCEPTION 'a password is set from its SCRAM verifier only'
                USING ERRCODE = 'TD002';
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);
    END IF;
    FOREACH r IN ARRAY ARRAY['translator', 'reviewer', 'editor'] LOOP
        IF r IS DISTINCT FROM p_role AND pg_has_role(p_name, transdesk_role(r), 'MEMBER')
           AND EXISTS (SELECT 1 FROM pg_auth_members m
                       WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = transdesk_role(r))
                         AND m.member = (SELECT oid FROM pg_roles WHERE rolname = p_name)) THEN
            EXECUTE format('REVOKE %I FROM %I', transdesk_role(r), p_name);
        END IF;
    END LOOP;
    IF p_role IS NOT NULL THEN
        EXECUTE format('GRANT %I TO %I', transdesk_role(p_role), p_name);
    END IF;
    RETURN created;
END $$;

REVOKE ALL ON FUNCTION transdesk_role(text), transdesk_holds(text),
    transdesk_require(text, text), transdesk_acting(text),
    transdesk_next(text, text, boolean, double precision, bigint[], text),
    transdesk_release(bigint, text, text),
    transdesk_submit(bigint, text, text, boolean, boolean, text),
    transdesk_team_set(text, text, boolean, text) FROM PUBLIC;
"""
