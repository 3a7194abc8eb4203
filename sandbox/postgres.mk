# PostgreSQL for the Academy replica sandbox (sandbox/academy): Debian's server package, installed once.
# The project's Makefile includes this file and lists `postgres` before the targets that need the server:
#   include sandbox/postgres.mk
#   test: $(STAMP) browser postgres
#   demo: $(STAMP) postgres
# The tests and the demo create, start and reuse their own private cluster (python -m sandbox.academy start);
# nothing here starts Debian's default cluster.
.PHONY: postgres academy-replica

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "$$ACADEMY_PG_BINDIR" ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else echo "PostgreSQL server missing: install it (sudo apt-get install -y postgresql) for the Academy sandbox"; fi; }

# Start (or reuse) the replica in local/academy-pg and print its read-only URL.
academy-replica: postgres $(STAMP)
	$(VENV)/bin/python -m sandbox.academy start
