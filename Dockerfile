# Production image: gunicorn web, Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=supervision.settings
# Pango for WeasyPrint, HarfBuzz subsetting for fast PDFs, a CJK font for Chinese glyphs.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY supervision supervision
COPY institutions institutions
COPY inspections inspections
COPY credit credit
COPY funds funds
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --create-home portal && mkdir -p /app/private /app/media && chown -R portal /app/private /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "supervision.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
