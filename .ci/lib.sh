# Shared by .ci/prod-smoke and .ci/restore-drill (sourced). A demo county seeded into its own PostgreSQL
# database, with a fixed test encryption key so that every process (seed, gunicorn, worker, restore)
# reads the same identities.

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PY=${PY:-.venv/bin/python}
# A test key (never a real one): 32 bytes in URL-safe base64.
CI_FIELD_KEY=${CI_FIELD_KEY:-Y2ktdGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTA=}

ci_db_url() { echo "postgres://postgres@$PG_HOST:$PG_PORT/$1"; }

ci_recreate_db() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

# ci_prepare_demo <db> <var dir>: a fresh database with the migrations and the demo county.
ci_prepare_demo() {
  local db=$1 var=$2
  ci_recreate_db "$db"
  mkdir -p "$var"
  (
    export DATABASE_URL; DATABASE_URL=$(ci_db_url "$db")
    export XUNCHA_VAR_DIR=$var FIELD_ENCRYPTION_KEY=$CI_FIELD_KEY CELERY_TASK_ALWAYS_EAGER=1
    unset CELERY_BROKER_URL CACHE_REDIS_URL
    "$PY" manage.py migrate --noinput -v0
    "$PY" manage.py seed_demo >"$var/seed.log"
  )
}
