# okta-user-sync: build, test, demo and benchmark the okta_sync PHP extension
# and its Drupal module. `make demo` and `make test` install what they need on
# a fresh Debian 12 machine.

SHELL := /bin/bash
CARGO ?= cargo
PHP ?= php
PHP_CONFIG ?= php-config
# The extension under test: a copy of cargo's cdylib taken right after the
# `php`-feature build, because a `cargo test --no-default-features` that has
# to relink the library overwrites target/release/libokta_sync.so with a
# build PHP cannot load.
EXT := $(CURDIR)/target/php/okta_sync.so
FAKE := $(CURDIR)/target/release/okta-fake
# Debian packages needed to build the extension and run every test.
APT_PACKAGES := php8.2-cli php8.2-dev php8.2-curl php8.2-xml php8.2-mbstring \
	php8.2-fpm php-symfony-yaml clang libclang-dev phpunit valgrind ca-certificates

.PHONY: all build deps demo test test-rust test-php test-module lint bench \
	install uninstall test-valgrind clean

all: build

# Install missing system packages (idempotent; does nothing when all present).
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# One workspace build: the extension (.so) and the fake Okta server, with the
# same dependency features the tests use, so nothing is compiled twice.
build: deps
	$(CARGO) build --release --workspace --all-targets --no-default-features
	$(CARGO) build --release --workspace
	install -D -m 0644 target/release/libokta_sync.so $(EXT)

# The vendor guide's flow plus a bulk sync, through the real extension against
# the fake Okta (started and stopped by the script). About a minute.
demo: build
	PHP=$(PHP) OKTA_SYNC_EXT=$(EXT) examples/demo/run.sh

# Extension vs a plain PHP + curl baseline; table + target/bench/results.json.
# A few minutes; deliberately not part of `make test`.
bench: build
	PHP=$(PHP) OKTA_SYNC_EXT=$(EXT) benches/run.sh

test: build
	$(MAKE) --no-print-directory test-rust test-php test-module lint

test-rust:
	$(CARGO) test --release --workspace --no-default-features

# phpt suite (tests/php) against the freshly built extension; each test that
# needs Okta starts its own fake (target/release/okta-fake). Fails on any
# failed, borked or leaking test.
# (php8.2-dev ships the runner in the extension dir's build/ folder.)
PHPT_RUNNER = $(shell $(PHP_CONFIG) --extension-dir 2>/dev/null)/build/run-tests.php
# The independent DPoP peer of tests/php/093 (panva's oidc-provider and jose,
# pinned by its package-lock.json); Debian's Node.js when the machine has none.
DPOP_PEER := tests/dpop-interop
$(DPOP_PEER)/node_modules/.package-lock.json: $(DPOP_PEER)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix $(DPOP_PEER) --no-audit --no-fund --loglevel=error
PHPT_ARGS = -q -p $(shell command -v $(PHP)) -n -d extension=$(EXT) --show-diff --set-timeout 300
test-php: $(DPOP_PEER)/node_modules/.package-lock.json
	@test -f $(EXT) -a -x $(FAKE) || { echo "run make build first"; exit 1; }
	OKTA_FAKE_BIN=$(FAKE) NO_INTERACTION=1 $(PHP) -n $(PHPT_RUNNER) $(PHPT_ARGS) tests/php \
		| tee target/test-php.log; \
	test $${PIPESTATUS[0]} -eq 0 && ! grep -qE '^(FAIL|BORK|LEAK)' target/test-php.log

# The same suite under valgrind memcheck (run-tests -m; it sets
# USE_ZEND_ALLOC=0). Any memcheck error (invalid read/write, use of
# uninitialised memory) fails the test. Leak reports are off: a forked child
# necessarily abandons its parent's HTTP client thread, and php-fpm leaks at
# startup by itself; run with VALGRIND_OPTS=--leak-check=full to see them. The
# fake Okta and the DPoP peer (node) are test equipment, so valgrind does not
# follow into them.
test-valgrind: $(DPOP_PEER)/node_modules/.package-lock.json
	@test -f $(EXT) -a -x $(FAKE) || { echo "run make build first"; exit 1; }
	time (OKTA_FAKE_BIN=$(FAKE) NO_INTERACTION=1 USE_ZEND_ALLOC=0 \
		VALGRIND_OPTS="--trace-children-skip=*/okta-fake,*/node" $(PHP) -n $(PHPT_RUNNER) $(PHPT_ARGS) -m tests/php \
		| tee target/test-valgrind.log; \
	test $${PIPESTATUS[0]} -eq 0 && ! grep -qE '^(FAIL|BORK|LEAK)' target/test-valgrind.log)

# Install the built extension for the system PHP: the .so into the extension
# dir, and an ini enabled for every SAPI present (cli, fpm, apache2), the
# Debian way (mods-available + conf.d symlinks) when mods-available exists.
# PHP_EXTENSION_DIR / PHP_ETC_DIR override the targets (packaging, tests).
PHP_EXTENSION_DIR ?= $(shell $(PHP_CONFIG) --extension-dir 2>/dev/null)
PHP_ETC_DIR ?= /etc/php/$(shell $(PHP) -n -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
OKTA_INI := okta_sync.ini
install:
	@test -f $(EXT) || { echo "run make build first"; exit 1; }
	install -D -m 0644 $(EXT) $(DESTDIR)$(PHP_EXTENSION_DIR)/okta_sync.so
	@set -e; etc=$(DESTDIR)$(PHP_ETC_DIR); \
	ini="; okta_sync: provisions Drupal users into Okta (see php --ri okta_sync)\n; priority=20\nextension=okta_sync.so\n"; \
	if [ -d $$etc/mods-available ]; then \
		printf "$$ini" > $$etc/mods-available/$(OKTA_INI); \
		echo "wrote $$etc/mods-available/$(OKTA_INI)"; \
	fi; \
	for sapi in cli fpm apache2 cgi; do \
		[ -d $$etc/$$sapi/conf.d ] || continue; \
		if [ -f $$etc/mods-available/$(OKTA_INI) ]; then \
			ln -sf ../../mods-available/$(OKTA_INI) $$etc/$$sapi/conf.d/20-$(OKTA_INI); \
		else \
			printf "$$ini" > $$etc/$$sapi/conf.d/20-$(OKTA_INI); \
		fi; \
		echo "enabled for $$sapi: $$etc/$$sapi/conf.d/20-$(OKTA_INI)"; \
	done
	@echo "installed; check with: php --ri okta_sync (restart php-fpm to load it there)"

uninstall:
	@set -e; etc=$(DESTDIR)$(PHP_ETC_DIR); \
	for sapi in cli fpm apache2 cgi; do \
		rm -fv $$etc/$$sapi/conf.d/20-$(OKTA_INI); \
	done; \
	rm -fv $$etc/mods-available/$(OKTA_INI) $(DESTDIR)$(PHP_EXTENSION_DIR)/okta_sync.so

# Drupal module: framework-free classes against the real extension and the
# fake Okta, plus the wiring test (routes, services, hooks, config schema).
# Not -n: PHPUnit needs the distribution's dom/xml/mbstring modules.
test-module:
	OKTA_FAKE_BIN=$(FAKE) $(PHP) -d extension=$(EXT) /usr/bin/phpunit -c drupal_module/tests/phpunit.standalone.xml

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	$(CARGO) clippy --release --workspace --all-targets --no-default-features -- -D warnings
	@find . -name '*.php' -o -name '*.module' -o -name '*.install' -o -name '*.inc' -o -name '*.theme' \
		| grep -v -e '^./target/' -e '/vendor/' | grep -v '^./okta_sync.stubs.php$$' \
		| while read -r f; do $(PHP) -l "$$f" >/dev/null || { $(PHP) -l "$$f"; exit 1; }; done
	@echo "lint: ok"
