#!/usr/bin/env bash
# The nightly job in production (run by the scheduler in the image from deploy/Dockerfile).
# Every setting comes from the environment: see docs/platform-team/deployment.md.
# Every step is inside the job (data_platform/jobs.py nightly): ingest every registered source (one failing source
# does not stop the others) -> register the raw tables in Glue -> dbt build -> docs (which measures source freshness
# first, to show it in the catalogue: data_platform/catalogue.py) -> that verdict reported (alerts, never blocks).
# Exit 2 when a source failed: its data is a day older, nothing is lost, tomorrow catches up.
set -euo pipefail
exec data-platform nightly --target prod
