# model-catalog API image: built from the project's wheel, run as an unprivileged user.
#   docker build -t model-catalog .
#   docker run -p 8000:8000 -e MODEL_CATALOG_DATABASE_URL=postgresql://catalog_reader@db/model_catalog model-catalog
# Without MODEL_CATALOG_DATABASE_URL it serves the embedded SQLite catalog shipped in the wheel.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY catalog ./catalog
COPY migrations ./migrations
COPY data ./data
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XDG_DATA_HOME=/var/lib/model-catalog
# the group is made first with gid 10001: useradd --user-group would give it a system gid (999),
# leaving USER 10001:10001 running under a gid with no name that does not own the home
RUN groupadd --system --gid 10001 catalog \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /var/lib/model-catalog catalog
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER 10001:10001
WORKDIR /var/lib/model-catalog
EXPOSE 8000
# uvicorn finishes requests in flight on SIGTERM (docker stop), then exits
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["model-catalog", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--log-format", "json", "--graceful-timeout", "30"]
