FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# postgresql-client: pg_dump and pg_restore for the nightly backup and its restore drill (Debian bookworm's 15,
# the compose file's server).
RUN apt-get update && apt-get install -y --no-install-recommends curl postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings that import; the real secret comes at run time.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && python -m kesco.catalogue
# The media and backup volumes start as these directories, owned by the user the processes run as.
RUN useradd --create-home kesco && mkdir -p /var/lib/kesco/media /var/lib/kesco/backups \
    && chown -R kesco /app /var/lib/kesco
USER kesco
EXPOSE 8000
CMD ["gunicorn", "kesco.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60"]
