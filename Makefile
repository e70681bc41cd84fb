# PACT: the two commands of the README, and a few helpers.
.PHONY: run test setup lint sql bench clean

run:            ## set up and run PACT locally: Azurite, devhost on :7071, SQLite, demo data, the web UI
	@bash scripts/run.sh

test:           ## run the whole test suite (starts its own Azurite; uses local PostgreSQL and Redis)
	@bash scripts/test.sh

setup:          ## install everything the tests need, without running them
	@bash scripts/setup.sh test

lint:
	@.venv/bin/ruff check .

sql:            ## regenerate the T-SQL in sql/ from the migrations
	@.venv/bin/pact sql

bench:          ## run the benchmarks in bench/ (results go to docs/PERFORMANCE.md by hand)
	@.venv/bin/python -m bench.cold_start

clean:
	rm -rf .pact .venv node_modules .coverage coverage.xml
