# Thin wrapper over CMake: every target here is a cmake/ctest call.
BUILD     ?= build
ASAN      ?= build-asan
TSAN      ?= build-tsan
JOBS      ?= $(shell nproc)
CMAKE_OPT ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Batched files build the two trees in about 60% of the time (docs/reliability.md);
# for quick rebuilds of one file while working, configure a tree of your own without it.
UNITY     ?= -DCMAKE_UNITY_BUILD=ON

.PHONY: deps build build-asan shell test test-release test-asan fuzz tsan bench clean

deps:
	@sh cmake/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_OPT) $(UNITY) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The sanitizer build uses clang: it is also the fuzzing build (tests/fuzz).
build-asan: deps
	@cmake -S . -B $(ASAN) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DRELATA_SANITIZE=ON $(UNITY) >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

# The build loads the bundled news graph (data/news/*.jsonl) into
# $(BUILD)/news.db; the shell opens it.
shell: build
	@$(BUILD)/tools/relata $(BUILD)/news.db

test-release: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	@cd $(ASAN) && ctest --output-on-failure -j $(JOBS) -LE no-sanitizer

test: test-release test-asan

# Each fuzz target in turn for FUZZ_SECONDS (make test gives each 6 s);
# the corpora grow in $(ASAN)/tests/fuzz/<target>/corpus.
FUZZ_SECONDS ?= 600
fuzz: build-asan
	@FUZZ_SECONDS=$(FUZZ_SECONDS) cmake --build $(ASAN) --target fuzz

# The tests that run threads at once (readers beside a writer, cancelling
# and interrupting running queries), under ThreadSanitizer. Not part of
# make test: a third build of everything would not fit its time.
tsan: deps
	@cmake -S . -B $(TSAN) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELATA_TSAN=ON >/dev/null
	@cmake --build $(TSAN) -j $(JOBS) --target engine_test storage_test
	@cd $(TSAN) && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp" \
		ctest --output-on-failure -j $(JOBS) -R "^(Concurrency|Prepared|Query|Transaction|Update)"

# Google Benchmark stages, the side-by-side load against Virtuoso
# (BENCH_TRIPLES triples of the news-shaped graph), then the query suites
# against Oxigraph, Virtuoso and Kuzu, and the path searches against Kuzu and
# Virtuoso (see the README's Performance section).
BENCH_TRIPLES ?= 10000000
BENCH_QUERIES ?= lubm10 news-1M traversal
bench: build
	@$(BUILD)/bench/load_benchmark
	@$(BUILD)/bench/api_benchmark
	@BUILD=$(abspath $(BUILD)) bench/compare_load.sh $(BENCH_TRIPLES)
	@for suite in $(BENCH_QUERIES); do BUILD=$(abspath $(BUILD)) bench/compare_queries.sh $$suite || exit 1; done
	@BUILD=$(abspath $(BUILD)) bench/compare_paths.sh traversal

clean:
	rm -rf $(BUILD) $(ASAN) $(TSAN)
