#!/usr/bin/env bash
# The nightly job in production (run by the scheduler in the image from deploy/Dockerfile).
# Every setting comes from the environment: see docs/platform-team/deployment.md.
#   ingest every registered source (one failing source does not stop the others) -> register the raw tables in Glue
#   -> dbt build -> docs. Exit 2 when a source failed: its data is a day older, nothing is lost, tomorrow catches up.
set -euo pipefail
dbt run-operation register_raw_tables --project-dir /app --profiles-dir /app --target prod
data-platform nightly --target prod
dbt source freshness --project-dir /app --profiles-dir /app --target prod || true   # alerts, never blocks the build
