# The tar reader (kernel/tar.c) and its seeds: small archives made by the
# host's GNU tar in each format it writes (ustar, gnu, pax), with long
# names, symlinks and hard links.
FUZZ_TARGETS += tar
FUZZ_SRCS_tar := kernel/tar.c

$(BUILD)/fuzz/corpus/tar/.stamp: tests/fuzz/tar.mk
	$(call say,GEN,$(FUZZ_CORPUS)/tar)
	$(Q)set -e; d=$$(mktemp -d); mkdir -p $(FUZZ_CORPUS)/tar; \
	mkdir -p $$d/t/dir/$$(printf 'd%.0s' $$(seq 120))/sub; \
	echo hello >$$d/t/dir/file; \
	printf 'x%.0s' $$(seq 700) >$$d/t/dir/$$(printf 'd%.0s' $$(seq 120))/sub/data; \
	ln -s ../dir/file $$d/t/dir/sym; ln $$d/t/dir/file $$d/t/hard; \
	for fmt in gnu pax ustar; do \
		tar --format=$$fmt --sort=name --mtime=@0 --owner=0 --group=0 \
		    --numeric-owner -C $$d/t -cf $(FUZZ_CORPUS)/tar/$$fmt.tar . \
		    2>/dev/null || true; \
	done; \
	rm -rf $$d; touch $@

fuzz: $(BUILD)/fuzz/corpus/tar/.stamp
