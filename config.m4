dnl config.m4 for okta_sync: a PHP extension written in Rust (ext-php-rs).
dnl
dnl phpize / PIE build: `phpize && ./configure && make && make install`
dnl (or `pie install`). There is no C to compile: `make` runs cargo, which
dnl builds target/release/libokta_sync.so against the PHP that phpize belongs
dnl to, and copies it to modules/okta_sync.so for phpize's `make install`.
dnl Needs Rust (cargo, rustc >= 1.80) and clang/libclang (bindgen).

PHP_ARG_ENABLE([okta_sync],
  [whether to enable okta_sync],
  [AS_HELP_STRING([--enable-okta_sync], [Enable okta_sync (Okta user provisioning; built with cargo)])],
  [yes])

PHP_ARG_WITH([cargo],
  [path to cargo],
  [AS_HELP_STRING([--with-cargo=PATH], [cargo binary to use (default: from PATH or ~/.cargo/bin)])],
  [no],
  [no])

if test "$PHP_OKTA_SYNC" != "no"; then
  if test "$PHP_CARGO" != "no" && test "$PHP_CARGO" != "yes"; then
    CARGO="$PHP_CARGO"
  else
    AC_PATH_PROG([CARGO], [cargo], [no], [$PATH:$HOME/.cargo/bin])
  fi
  if test "$CARGO" = "no" || test ! -x "$CARGO"; then
    AC_MSG_ERROR([cargo not found: install Rust (https://rustup.rs) or pass --with-cargo=PATH])
  fi

  dnl The PHP this build is for: ext-php-rs reads the PHP and PHP_CONFIG
  dnl environment variables.
  OKTA_SYNC_PHP_BIN=`$PHP_CONFIG --php-binary 2>/dev/null`
  AC_MSG_CHECKING([for the PHP binary to build against])
  if test -z "$OKTA_SYNC_PHP_BIN" || test ! -x "$OKTA_SYNC_PHP_BIN"; then
    AC_MSG_ERROR([$PHP_CONFIG --php-binary did not name a PHP binary])
  fi
  AC_MSG_RESULT([$OKTA_SYNC_PHP_BIN])
  dnl ext-php-rs wants a path, and phpize may have passed a bare name.
  OKTA_SYNC_PHP_CONFIG=`command -v "$PHP_CONFIG"`
  if test -z "$OKTA_SYNC_PHP_CONFIG"; then
    AC_MSG_ERROR([php-config not found: $PHP_CONFIG])
  fi
  OKTA_SYNC_SRCDIR=`cd "$srcdir" && pwd`

  dnl No C sources: modules/okta_sync.so comes from cargo (rules below), and
  dnl phpize's own install-modules installs it.
  PHP_MODULES="modules/okta_sync.so"
  PHP_SUBST([PHP_MODULES])

  cat >>Makefile.objects <<OKTA_SYNC_RULES
modules/okta_sync.so: FORCE
	PHP="$OKTA_SYNC_PHP_BIN" PHP_CONFIG="$OKTA_SYNC_PHP_CONFIG" $CARGO build --release --locked --lib -p okta_sync --manifest-path "$OKTA_SYNC_SRCDIR/Cargo.toml" --target-dir "$OKTA_SYNC_SRCDIR/target"
	@mkdir -p modules
	cp "$OKTA_SYNC_SRCDIR/target/release/libokta_sync.so" modules/okta_sync.so

clean: okta-sync-clean
okta-sync-clean:
	rm -f modules/okta_sync.so

.PHONY: FORCE okta-sync-clean
FORCE:
OKTA_SYNC_RULES
fi
