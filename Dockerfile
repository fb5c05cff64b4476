FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings that import; the real secret comes at run time.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && python -m kesco.catalogue
RUN useradd --create-home kesco && chown -R kesco /app
USER kesco
EXPOSE 8000
CMD ["gunicorn", "kesco.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60"]
