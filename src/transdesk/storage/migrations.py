"""One numbered schema history for both engines.

Each step has a name (`m001_core`, ...) and, per engine, what builds it: on SQLite the
function of the same name in `transdesk.migrations`, applied by sqlite-utils and recorded
in `_sqlite_migrations` exactly as in 0.1.0 (so an old SQLite desk upgrades in place); on
PostgreSQL a DDL script from `storage.postgres_schema`, applied in a transaction of its
own together with its row in `transdesk_migrations`. Steps that only mean something on
one engine (server logins) are marked so. A desk that records a step this program does
not know was made by a newer transdesk: it is refused rather than guessed at.

Adding a step: add the SQLite function to `transdesk.migrations` (its `register` list)
and its PostgreSQL DDL here, under the same name. A SQLite step whose PostgreSQL DDL is
not written yet goes into NOT_YET_ON_POSTGRES (tests hold the two lists together).
"""

from __future__ import annotations

from dataclasses import dataclass

from transdesk.storage import postgres_logins, postgres_schema

PG_VERSION_TABLE = "transdesk_migrations"
SQLITE_VERSION_TABLE = "_sqlite_migrations"


@dataclass(frozen=True)
class Step:
    name: str
    postgres: str | None  # DDL; None: the step has no PostgreSQL form
    sqlite: bool = True  # the step exists in transdesk.migrations


POSTGRES_STEPS: tuple[Step, ...] = (
    Step("m001_core", postgres_schema.M001_CORE),
    Step("m002_translations_by_article", postgres_schema.M002_TRANSLATIONS_BY_ARTICLE),
    Step("m010_claims_index", postgres_schema.M010_CLAIMS_INDEX),
    Step("m019_server_logins", postgres_logins.M019_SERVER_LOGINS, sqlite=False),
    Step("m020_memory", postgres_schema.M020_MEMORY),
    Step("m021_mt_cache", postgres_schema.M021_MT_CACHE),
    Step("m040_check_exceptions", postgres_schema.M040_CHECK_EXCEPTIONS),
    Step("m041_check_cache", postgres_schema.M041_CHECK_CACHE),
    Step("m042_check_findings", postgres_schema.M042_CHECK_FINDINGS),
    Step("m050_terms", postgres_schema.M050_TERMS),
    Step("m060_schedule", postgres_schema.M060_SCHEDULE),
    Step("m080_article_file", postgres_schema.M080_ARTICLE_FILE),
    Step("m081_report_hours", postgres_schema.M081_REPORT_HOURS),
    Step("m090_claim_functions", postgres_schema.M090_CLAIM_FUNCTIONS, sqlite=False),
    Step("m095_check_findings_in_order", postgres_schema.M095_CHECK_FINDINGS_IN_ORDER),
    Step("m096_memory_exact_text", postgres_schema.M096_MEMORY_EXACT_TEXT),
    Step("m097_memory_words", postgres_schema.M097_MEMORY_WORDS),
)

# SQLite steps whose PostgreSQL DDL is still to be written (a PostgreSQL desk then lacks
# what they build; the lead adds names here when merging SQLite-only steps).
NOT_YET_ON_POSTGRES: frozenset[str] = frozenset()


def sqlite_step_names() -> list[str]:
    """The SQLite history, in order, as `transdesk.migrations.register` lists it."""
    from transdesk.db import migration_set

    return [m.name for m in migration_set()._migrations]


def known_names(engine: str) -> set[str]:
    if engine == "postgresql":
        return {step.name for step in POSTGRES_STEPS}
    return set(sqlite_step_names())


def unknown_steps(engine: str, applied: list[str]) -> list[str]:
    """Steps a desk records that this program does not know (a newer transdesk made it)."""
    known = known_names(engine)
    return [name for name in applied if name not in known]
