# vneid-helpdesk -- build, run, test.
#
#   make          build build/vneid-helpdesk
#   make run      install missing Debian packages, build, start the server
#   make test     install missing packages, build, run the whole suite
#   make deps     only install the missing packages (as root; else print the command)
#
# Every .c under src/ is compiled; tests/unit/test_*.c each become one test
# program. Nothing needs to be listed by hand when a file is added.

CC       ?= cc
BUILD    ?= build
PKGS     := libmicrohttpd libcurl libcjson sqlite3 libutf8proc libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wvla -Wshadow -Wno-unused-parameter
OPT      ?= -O2 -g
SAN      ?=
CFLAGS   := $(OPT) $(SAN) -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SAN)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

# The unit tests run a second time built by clang under AddressSanitizer and
# UndefinedBehaviorSanitizer (build/san/); this also proves the clang build.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

# Debian packages: what the build needs, and what the tests need on top.
DEB_BUILD := build-essential pkg-config libmicrohttpd-dev libcurl4-openssl-dev libcjson-dev \
             libsqlite3-dev libutf8proc-dev libssl-dev
DEB_TEST  := kannel kannel-extras python3 curl sqlite3 clang libclang-rt-14-dev chromium nodejs

SRC      := $(shell find src -name '*.c' ! -path src/main.c | sort)
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libhelpdesk.a
BIN      := $(BUILD)/vneid-helpdesk
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_LIB := $(BUILD)/obj/tests/unit/testlib.o

.PHONY: all run test deps deps-test unit clean
all: $(BIN)

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/obj/src/main.o $(LIB)
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(TEST_BIN)

# The dependency step: apt-get update once, then install what is missing.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing Debian packages; run as root:"; \
	    echo "  apt-get update && apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(DEB_BUILD))

deps-test:
	$(call install_missing,$(DEB_BUILD) $(DEB_TEST))

# The first run writes a new HELPDESK_PII_KEY into .env: the server does not
# start without one, and the key must stay the same from then on.
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	@if [ -z "$$HELPDESK_PII_KEY" ] && ! grep -qs '^HELPDESK_PII_KEY=..*' .env; then \
	  echo "HELPDESK_PII_KEY=$$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >> .env; \
	  echo "created .env with a new HELPDESK_PII_KEY: keep it, it decrypts the stored ID numbers"; \
	fi
	./$(BIN) serve

test: deps-test
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san CC=clang OPT="-O1 -g" SAN="$(SAN_FLAGS)" unit
	@tests/run.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing (not part of `make test`) ------------------------------------
#
#   make fuzz-build              build every tests/fuzz/fuzz_<name>.c as a libFuzzer target
#   make fuzz                    run each for FUZZ_SECONDS (default 60); -j2 runs two at once
#   make fuzz-<name>             run one (make fuzz-kannel FUZZ_SECONDS=600)
#
# Everything goes to $(FUZZ_BUILD): the sources compiled by clang with
# -fsanitize=fuzzer-no-link,address,undefined, the targets, the working
# corpora (the seeds of tests/fuzz/corpus/<name>/ are copied there and the
# run grows the copy, never the repository's), crash inputs under
# crashes/<name>/ and one log per target under logs/. A crash fails the
# run; save the input under tests/fuzz/regressions/<name>/ once it is fixed,
# and `make test` replays it from then on (tests/unit/test_fuzz_regressions.c).
FUZZ_BUILD   ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_ARGS    ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN) -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
                $(filter-out -Werror,$(WARN)) -Iinclude $(PKG_CFLAGS) -MMD -MP
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_OBJ     := $(SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIB     := $(FUZZ_BUILD)/libhelpdesk.a

# Longest input per target: past the limits the parsers enforce (2048 bytes
# understood of a message, 2048 of a state, 4096 of a .env line), so that
# the cut-off paths are fuzzed too.
FUZZ_MAXLEN_DEFAULT := 4096
FUZZ_MAXLEN_form     := 1024
FUZZ_MAXLEN_idnum    := 128
FUZZ_MAXLEN_geo      := 2600
FUZZ_MAXLEN_nlu      := 5000
FUZZ_MAXLEN_json     := 2600
FUZZ_MAXLEN_dialog   := 3000
FUZZ_MAXLEN_settings := 9000
FUZZ_MAXLEN_zalo     := 10000

.PHONY: fuzz fuzz-build $(FUZZ_NAMES:%=fuzz-%)

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	@$(if $(Q),echo "  FUZZLD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -lpthread -lm

fuzz: $(FUZZ_NAMES:%=fuzz-%)
	@echo "fuzz: $(words $(FUZZ_NAMES)) targets ran $(FUZZ_SECONDS) s each without a finding"

$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/crashes/$* $(FUZZ_BUILD)/logs
	@cp tests/fuzz/corpus/$*/* $(FUZZ_BUILD)/corpus/$*/
	@echo "  FUZZ  $* for $(FUZZ_SECONDS) s (log: $(FUZZ_BUILD)/logs/$*.log)"
	@dict=""; [ -f tests/fuzz/$*.dict ] && dict="-dict=tests/fuzz/$*.dict"; \
	HELPDESK_MESSAGES="$${HELPDESK_MESSAGES:-$(CURDIR)/messages}" \
	ASAN_OPTIONS="$${ASAN_OPTIONS:-detect_leaks=1}" \
	./$(FUZZ_BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$(or $(FUZZ_MAXLEN_$*),$(FUZZ_MAXLEN_DEFAULT)) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$*/ $$dict $(FUZZ_ARGS) \
	    $(FUZZ_BUILD)/corpus/$* >$(FUZZ_BUILD)/logs/$*.log 2>&1; \
	st=$$?; grep -E '^(stat::number_of_executed_units|Done)' $(FUZZ_BUILD)/logs/$*.log | sed 's/^/        /'; \
	if [ $$st -ne 0 ]; then \
	  echo "FUZZ FINDING in $*: see $(FUZZ_BUILD)/logs/$*.log; inputs in $(FUZZ_BUILD)/crashes/$*/"; \
	  grep -E 'ERROR|SUMMARY|fuzz check failed|runtime error' $(FUZZ_BUILD)/logs/$*.log | head -5 | sed 's/^/        /'; \
	  exit 1; \
	fi

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)

# ---- make bench: the figures of issue 6 (not part of make test) -----------
BENCH_TOOLS := $(BUILD)/bench/loadgen $(BUILD)/bench/ceiling $(BUILD)/bench/classify_bench \
               $(BUILD)/bench/ingest_bench
DEB_BENCH   := wrk

.PHONY: bench
$(BUILD)/bench/loadgen: tests/bench/loadgen.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -std=c11 -D_DEFAULT_SOURCE $(WARN) -o $@ $< $(shell pkg-config --libs libcurl)

$(BUILD)/bench/ceiling: tests/bench/ceiling.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -std=c11 -D_DEFAULT_SOURCE $(WARN) -o $@ $< $(shell pkg-config --libs libmicrohttpd) -lpthread

$(BUILD)/bench/classify_bench $(BUILD)/bench/ingest_bench: $(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench: deps-test
	$(call install_missing,$(DEB_BENCH))
	@$(MAKE) --no-print-directory all $(BENCH_TOOLS)
	@python3 tests/bench/bench.py
