# Portcullis — the two commands a newcomer needs are `make dev` and `make test`.
.PHONY: dev test test-unit test-scale test-reliability screenshots lint typecheck migrate install clean-dev policy-check policy-test bench bench-compare audit-verify

NPM ?= npm
TSX := node --import tsx

# Installs exactly what package-lock.json says, again only when it changes.
node_modules/.package-lock.json: package.json package-lock.json shared/package.json $(wildcard services/*/package.json)
	$(NPM) ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

## make dev: Postgres + NATS (reused or started), migrations, bootstrap admin, every service. Ctrl-C stops it all.
dev: install
	$(TSX) deploy/dev/dev.ts

## make test: the unit tier first (business rules over in-memory repositories: no Postgres, no NATS, seconds), then
## every integration test against a real Postgres and NATS (reused or started), then the reliability suites.
test: install
	npx vitest run --config vitest.unit.config.ts
	$(TSX) services/authz/src/cli/policy.ts check
	$(TSX) services/authz/src/cli/policy.ts test
	$(TSX) deploy/dev/ensure-chromium.ts
	$(TSX) deploy/dev/with-infra.ts npx vitest run
	$(TSX) deploy/dev/with-infra.ts npx vitest run --config vitest.reliability.config.ts

## make lint: the type check, eslint (no service imports another; shared code imports no service), every workspace
## declaring what it imports, the gateway's route table equal to what the routers declare, and the OpenAPI documents
## through an independent linter (Redocly).
lint: install
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p services/console/tsconfig.json --noEmit
	npx eslint .
	$(TSX) deploy/lint/workspace-deps.ts
	$(TSX) deploy/gateway/write-route-table.ts --check
	npx redocly lint --format=summary docs/openapi/*.json

typecheck: install
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p services/console/tsconfig.json --noEmit

## make policy-check / policy-test: the policy command's checks on policies/ (also part of make test).
policy-check: install
	$(TSX) services/authz/src/cli/policy.ts check

policy-test: install
	$(TSX) services/authz/src/cli/policy.ts test

## make test-unit: the unit tier alone.
test-unit: install
	npx vitest run --config vitest.unit.config.ts

## make test-scale: the scale-out test alone (3-node NATS cluster, two instances of every service, nginx); make test runs it too.
test-scale: install
	$(TSX) deploy/dev/with-infra.ts npx vitest run test/many-instances-on-a-nats-cluster-revoke-within-a-second-and-lose-no-event.test.ts

## make test-reliability [SUITE=name]: the fault, bad-input, forged-token, isolation, abuse and load suites (also part of
## make test), then RELIABILITY.md from the figures they recorded.
test-reliability: install
	$(TSX) deploy/dev/with-infra.ts npx vitest run --config vitest.reliability.config.ts $(SUITE)
	$(TSX) test/reliability/render.ts

## make screenshots: the console's browser test alone, saving its screenshots to docs/screenshots (linked from the README).
screenshots: install
	$(TSX) deploy/dev/ensure-chromium.ts
	SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(TSX) deploy/dev/with-infra.ts npx vitest run test/the-admin-console-works-end-to-end-in-a-real-browser.test.ts

## make audit-verify: recompute the audit hash chain in DATABASE_URL offline; names the first altered or missing event.
audit-verify: install
	$(TSX) services/audit/src/cli/audit.ts verify

## make bench: every benchmark beside its baseline (≈10 min; QUICK=1: smaller sizes, ≈3 min), against a real Postgres and
## NATS (reused or started); writes bench/results/<date>[-quick].json, its SVG charts and BENCHMARKS.md.
bench: install
	$(TSX) bench/run.ts $(if $(filter 1,$(QUICK)),--quick)

## make bench-compare: the newest results against the previous committed ones; flags (exit 1) regressions over 20%.
bench-compare: install
	$(TSX) bench/compare.ts $(if $(filter 1,$(QUICK)),--quick)

## make migrate: apply pending migrations to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portcullis).
migrate: install
	$(TSX) deploy/dev/migrate.ts

## make clean-dev: forget the embedded Postgres and NATS data that `make dev` may have created.
clean-dev:
	rm -rf .dev
