#!/usr/bin/env bash
# The nightly job in production (run by the scheduler in the image from deploy/Dockerfile).
# Every setting comes from the environment: see docs/platform-team/deployment.md.
set -euo pipefail
export DATA_PLATFORM_TARGET=prod
data-platform ingest tascomi            # exit 2: vendor refused or down; nothing lost, tomorrow catches up
dbt source freshness --project-dir /app --profiles-dir /app --target prod || true   # alerts, never blocks the build
data-platform build --target prod
data-platform docs --target prod
