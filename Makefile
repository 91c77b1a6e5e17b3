# rql — make targets. The quick start is `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)
DEB_PACKAGES := gcc g++ make librocksdb-dev kcat tmux
QTT ?= ../shared/qtt
DATA_DIR ?= .rql-data
PKGS := ./...

.PHONY: all deps build run test bench conformance fmt vet fuzz rewrite docs clean

all: build

## deps: install the Debian packages (and Go, when missing) that rql needs.
deps:
	@scripts/deps.sh $(DEB_PACKAGES)

## build: compile bin/rql.
build: deps
	$(GO) build -o bin/rql ./cmd/rql

## run: start rql's REPL on the embedded defaults (data in $(DATA_DIR)).
run: build
	./bin/rql --data-dir $(DATA_DIR)

## test: every test, including the conformance ratchet; prints go test's summary lines.
test: deps
	$(GO) vet $(PKGS)
	$(GO) test -count=1 $(PKGS)
	@echo "conformance ratchet: every id in testdata/conformance/passing.txt passed (TestPassingListStillPasses)"

## bench: benchmarks next to the code, results in bench/RESULTS.md.
bench: deps
	scripts/bench.sh

## conformance: run ksqlDB's query-validation cases and print figures per area.
conformance: build
	./bin/rql conformance --corpus $(QTT)/corpus.jsonl
	./bin/rql conformance --corpus $(QTT)/core.jsonl

## fuzz: two minutes of parser fuzzing.
fuzz: deps
	$(GO) test ./parser -run='^$$' -fuzz=FuzzParse -fuzztime=2m

## rewrite: regenerate golden outputs (review the diff by hand).
rewrite:
	$(GO) test ./planner -rewrite
	$(GO) test ./conformance -run TestGoldenQueries -rewrite

## docs: regenerate docs/errors.md from rqlerr.Codes.
docs:
	$(GO) run ./rqlerr/gen > docs/errors.md
	$(GO) run ./udf/gen > docs/functions.md

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet $(PKGS)

clean:
	rm -rf bin $(DATA_DIR)
