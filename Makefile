# pocgate - build, test and install.
#
#   make            build pocgate and pocgated (installs missing Debian build packages)
#   make check      unit and integration tests, also under ASan and UBSan, with the mail lab
#   make demo       start the mail lab, import the sample directory, list it
#   make install    DESTDIR=... PREFIX=... (default /usr/local)
#
# Missing Debian packages are installed by tests/deps.sh (as root, non-interactive,
# only what is missing). The binaries land in the top directory: pocgate runs
# classify itself and every other command through pocgate-core (src/cli/front.c).

VERSION    = 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR ?= /etc
CC        ?= cc
PKGS       = libconfig jansson gnutls gpgme sqlite3 libsystemd
# libetpan: its pkg-config Libs carry a dpkg -specs file (LAB-NOTES); link it by hand.
ETPAN_LIBS = -letpan -lsasl2
B          = build

WARN       = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -DPOCGATE_VERSION='"$(VERSION)"' $(WARN) \
             -DPOCGATE_TEMPLATES_DIR='"$(PREFIX)/share/pocgate/templates"' \
             -DPOCGATE_LIBEXEC_DIR='"$(PREFIX)/libexec/pocgate"' \
             -Iinclude -I$(B)/gen $(shell pkg-config --cflags $(PKGS)) -MMD -MP $(CFLAGS)
LIBS       = $(shell pkg-config --libs $(PKGS)) $(ETPAN_LIBS) -lpthread
SAN        = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC    = $(wildcard src/util/*.c) src/conf.c src/store.c src/audit.c src/iso.c \
             src/csv.c src/directory.c src/template.c src/crypto.c src/compose.c \
             src/tlscheck.c src/smtp.c src/cycle.c src/outbox.c src/mime.c src/classify.c \
             src/imap.c src/match.c src/ingest.c src/pgpmime_fix.c src/ladder.c src/escalate.c src/schedule.c src/etpan_tls.c
CLI_SRC    = $(filter-out src/cli/front.c,$(wildcard src/cli/*.c))
# The pocgate program: classify without the libraries of the other commands
# (GnuTLS, GPGME, SQLite); libetpan's MIME parser is linked in from its static
# library, which leaves its network code, and so GnuTLS, out.
FRONT_SRC  = src/cli/front.c src/cli/cmd_classify.c src/mime.c src/classify.c \
             src/util/strbuf.c src/util/xalloc.c src/util/log.c
FRONT_LIBS = $(shell pkg-config --libs jansson) -l:libetpan.a
UNIT_SRC   = $(wildcard tests/unit/test-*.c)

obj        = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
LIB_OBJ    = $(call obj,o,$(LIB_SRC))
SAN_OBJ    = $(call obj,san,$(LIB_SRC))
UNITS      = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
SAN_UNITS  = $(patsubst tests/unit/%.c,$(B)/tests/san-%,$(UNIT_SRC))

.PHONY: all deps deps-test build check unit demo install clean bench lab-stop eval
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh tests/deps.sh build

deps-test:
	@sh tests/deps.sh all

build: pocgate pocgate-core pocgated

pocgate: $(call obj,o,$(FRONT_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(FRONT_LIBS)

pocgate-core: $(LIB_OBJ) $(call obj,o,$(CLI_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

pocgated: $(LIB_OBJ) $(B)/o/src/pocgated.o
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/san/pocgate: $(call obj,san,$(FRONT_SRC))
	$(CC) $(SAN) $(CFLAGS) -o $@ $^ $(FRONT_LIBS)

$(B)/san/pocgate-core: $(SAN_OBJ) $(call obj,san,$(CLI_SRC))
	$(CC) $(SAN) $(CFLAGS) -o $@ $^ $(LIBS)

# The single-byte charsets' tables, asked of iconv when pocgate is built
# (src/gen-charsets.c): mime.c converts with them without loading iconv's modules.
$(B)/gen-charsets: src/gen-charsets.c
	@mkdir -p $(dir $@)
	@$(CC) -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $<

$(B)/gen/charsets.h: $(B)/gen-charsets
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(B)/gen-charsets >$@.tmp && mv $@.tmp $@

$(B)/o/src/mime.o $(B)/san/src/mime.o: $(B)/gen/charsets.h

$(B)/o/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

$(B)/tests/test-%: $(B)/o/tests/unit/test-%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/san-test-%: $(B)/san/tests/unit/test-%.o $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(CFLAGS) -o $@ $^ $(LIBS)

# Everything, in one run that ends with "N passed, N failed, N skipped".
check: deps-test
	@$(MAKE) --no-print-directory check-build
	@sh tests/run.sh

.PHONY: check-build
check-build: build $(UNITS) $(SAN_UNITS) $(B)/san/pocgate $(B)/san/pocgate-core

# Figures beside their ceilings, measured in the same run (see tests/bench/).
bench: deps-test
	@$(MAKE) --no-print-directory build
	@sh tests/bench/bench-cycle.sh 10000
	@sh tests/bench/bench-ingest.sh 10000 100000

# pocgate beside Sisimai and flufl.bounce on the labelled corpora, same files, same run
# (tests/eval/eval.py; ../shared/corpus only when present).
eval: deps-test
	@$(MAKE) --no-print-directory build
	@python3 tests/eval/eval.py ./pocgate tests/corpus ../shared/corpus --compare

demo: all
	@sh tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/libexec/pocgate \
		$(DESTDIR)$(PREFIX)/share/pocgate/templates $(DESTDIR)$(SYSCONFDIR)/pocgate
	install -m 755 pocgate $(DESTDIR)$(PREFIX)/bin/pocgate
	install -m 755 pocgate-core $(DESTDIR)$(PREFIX)/libexec/pocgate/pocgate-core
	install -m 755 pocgated $(DESTDIR)$(PREFIX)/sbin/pocgated
	if ls templates/*.txt >/dev/null 2>&1; then \
		install -m 644 templates/*.txt $(DESTDIR)$(PREFIX)/share/pocgate/templates/; fi
	install -m 640 conf/pocgate.conf $(DESTDIR)$(SYSCONFDIR)/pocgate/pocgate.conf.sample
	install -m 644 conf/directory.csv $(DESTDIR)$(PREFIX)/share/pocgate/directory-sample.csv
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/sbin/pocgated|$(PREFIX)/sbin/pocgated|' systemd/pocgated.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/pocgated.service
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	sed 's|/usr/local/|$(PREFIX)/|g' man/pocgate.1 >$(DESTDIR)$(PREFIX)/share/man/man1/pocgate.1
	sed 's|/usr/local/|$(PREFIX)/|g' man/pocgated.8 >$(DESTDIR)$(PREFIX)/share/man/man8/pocgated.8
	sed 's|/usr/local/|$(PREFIX)/|g' man/pocgate.conf.5 \
		>$(DESTDIR)$(PREFIX)/share/man/man5/pocgate.conf.5

clean:
	rm -rf $(B) pocgate pocgate-core pocgated

-include $(shell find $(B) -name '*.d' 2>/dev/null)
