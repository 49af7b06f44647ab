# 巡察通 production image: gunicorn on :8000. The same image runs the Celery worker and beat
# (see docker-compose.yml). Static files are collected at build time and served by WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    XUNCHA_VAR_DIR=/app/var \
    WEB_CONCURRENCY=3

# Pango for WeasyPrint (PDF) and HarfBuzz-subset for its font subsetting (without it fontTools does it in
# Python, ten times slower), Noto CJK for Chinese text in PDFs, Node/npm for the front-end assets,
# pg_dump/pg_restore for `manage.py backup` and `restore` (bookworm's 15, the major version of the db service).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk nodejs npm make postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv

WORKDIR /app

# Python dependencies first (cached while uv.lock is unchanged).
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# Bootstrap, htmx and ECharts into static/vendor/, the same target developers use.
COPY Makefile package.json package-lock.json ./
RUN make assets && rm -rf /root/.npm

COPY . .

RUN groupadd --system --gid 10001 xuncha \
 && useradd --system --uid 10001 --gid xuncha --create-home --home-dir /home/xuncha xuncha \
 && DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEY=collectstatic-only \
      CELERY_BROKER_URL=memory:// \
      python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/mail /app/var/beat \
 && chown xuncha:xuncha /app/var /app/var/media /app/var/mail /app/var/beat

USER xuncha
EXPOSE 8000

CMD ["gunicorn", "xuncha.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "120", "--access-logfile", "-"]
