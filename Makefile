# SPDX-License-Identifier: GPL-2.0
#
# Fennec: make builds fennec.ko and the user tools; make check tests them.
# make KDIR=/lib/modules/<release>/build picks the kernel to build against.

# Kbuild reads the Kbuild file, not this one; this is only for people.
KDIR ?= $(firstword \
	$(wildcard /lib/modules/$(shell uname -r)/build) \
	$(foreach s,6.12 6.1,$(patsubst %,/lib/modules/%/build,\
		$(shell scripts/kernels.sh $(s) 2>/dev/null))))
DESTDIR ?=
PREFIX ?= /usr
DKMS_VERSION := $(shell sed -n 's/^FENNEC_VERSION := //p' Kbuild)

all: module user

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KCFLAGS=-Werror modules

user:
	$(MAKE) -C user

# sparse: make C=1 (changed files) or C=2 (all) as with any Kbuild tree.
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 KCFLAGS=-Werror modules

# The routing simulator: make sim [SIM_NODES=1000] (user/sim/sim.c).
sim:
	$(MAKE) -C user sim $(if $(SIM_NODES),SIM_NODES=$(SIM_NODES))

# 100 000 nodes, random graph, 5 % churn: Documentation/routing-sim-100000.md.
sim-scale:
	$(MAKE) -C user sim-scale

# Hostile nodes in the simulator: make sim-attack (10 000 nodes, 20 % hostile).
sim-attack:
	$(MAKE) -C user sim-attack $(if $(SIM_NODES),SIM_NODES=$(SIM_NODES))

checkpatch:
	scripts/checkpatch.sh

# The netlink family against its spec (Documentation/netlink/specs/fennec.yaml):
# fails when kernel/netlink_gen.[ch] are not what the spec generates, or when
# include/uapi/linux/fennec.h gives other numbers. make netlink-gen rewrites
# the generated files after a change to the spec.
netlink-check:
	scripts/netlink-gen.py --check

netlink-gen:
	scripts/netlink-gen.py

deps:
	scripts/install-deps.sh

# The fast tier: unit tests, then the VM selftests on Debian's 6.1 and 6.12.
check: deps
	selftests/tiers/check.sh

# The debug tier: the VM selftests under KASAN, kmemleak and lockdep, with
# fennec.ko's load-time self-tests on, then the proof that the tier catches
# a use-after-free, a leak and locking bugs (selftests/tiers/check-debug.sh).
check-debug: deps
	selftests/tiers/check-debug.sh

# The sanitizer tier: fennec, fennecd and the unit tests built with ASan and
# UBSan, the VM selftests that run fennecd with them, and the proof that it
# catches a heap and a stack overflow, undefined behaviour and a leak
# (selftests/tiers/check-asan.sh).
check-asan: deps
	selftests/tiers/check-asan.sh

demo: deps
	selftests/tiers/demo.sh

# libFuzzer on every parser of outside bytes, FUZZ_SECONDS (default 5)
# per target; ends with "fuzz: N targets, M runs, C crashes"
# (Documentation/fuzzing.md).
fuzz: deps
	$(MAKE) -C user/fuzz run
.PHONY: fuzz

# The Debian packages: built, linted, installed (DKMS builds the module for
# 6.1 and 6.12), booted in a VM on each kernel, purged
# (selftests/tiers/check-packages.sh). Root; installs and removes packages.
check-packages: deps
	selftests/tiers/check-packages.sh

# Throughput against WireGuard in one VM run, and per-packet instruction counts.
bench: deps
	selftests/tiers/bench.sh

# The man pages, from their scdoc sources (Documentation/man/).
MANPAGES := $(patsubst Documentation/man/%.scd,build/man/%,\
	$(wildcard Documentation/man/*.scd))
man: $(MANPAGES)

build/man/%: Documentation/man/%.scd
	@mkdir -p $(@D)
	scdoc <$< >$@.tmp && mv $@.tmp $@

install: all install-user
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

# Everything but the module (the fennec package's files, debian/rules):
# the tools, the unit, the example config and bash completion (user/),
# the man pages and the uapi header.
install-user: user man
	$(MAKE) -C user install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	install -d $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(filter %.8,$(MANPAGES)) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 include/uapi/linux/fennec.h \
		$(DESTDIR)$(PREFIX)/include/linux/fennec.h

# Copies the module sources where dkms expects them:
#   make dkms-install && dkms install fennec/$(DKMS_VERSION)
# Sources only (no objects of an in-tree build); the fennec-dkms package's
# files (debian/rules).
DKMS_SRC = $(DESTDIR)/usr/src/fennec-$(DKMS_VERSION)
dkms-install:
	install -d $(DKMS_SRC)
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	find kernel include -name '*.[ch]' -exec install -D -m 0644 {} $(DKMS_SRC)/{} \;

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C user clean
	rm -rf build

.PHONY: all module user sparse checkpatch deps check check-debug demo bench install \
	dkms-install clean man install-user
.PHONY: sim sim-scale sim-attack
.PHONY: check-asan check-packages
.PHONY: netlink-check netlink-gen
