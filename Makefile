# okta-user-sync: build, test, demo and benchmark the okta_sync PHP extension
# and its Drupal module. `make demo` and `make test` install what they need on
# a fresh Debian 12 machine.

SHELL := /bin/bash
CARGO ?= cargo
PHP ?= php
PHP_CONFIG ?= php-config
EXT := $(CURDIR)/target/release/libokta_sync.so
FAKE := $(CURDIR)/target/release/okta-fake
PHP_EXT := $(PHP) -n -d extension=$(EXT)
RUN_TESTS = $(shell $(PHP_CONFIG) --extension-dir 2>/dev/null | sed 's|/[^/]*$$||')/build/run-tests.php
# Debian packages needed to build the extension and run every test.
APT_PACKAGES := php8.2-cli php8.2-dev php8.2-curl php8.2-xml php8.2-mbstring \
	php8.2-fpm clang libclang-dev phpunit valgrind ca-certificates

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

# The vendor guide's flow plus a bulk sync, through the real extension against
# the fake Okta (started and stopped by the script). About a minute.
demo: build
	PHP=$(PHP) examples/demo/run.sh

# Extension vs a plain PHP + curl baseline; table + target/bench/results.json.
# A few minutes; deliberately not part of `make test`.
bench: build
	PHP=$(PHP) benches/run.sh

test: build
	$(MAKE) --no-print-directory test-rust test-php test-module lint

test-rust:
	$(CARGO) test --release --workspace --no-default-features

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
