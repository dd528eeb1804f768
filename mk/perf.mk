# Build fragment of the request-cost area (issue 13, included from Makefile.am): read records
# written in batches through a journal, their tests and benchmarks.
libvidjil_a_SOURCES += \
	src/app/event_journal.cpp src/app/event_journal.h \
	src/model/events_batch.cpp src/model/events_batch.h \
	src/util/sha256.cpp src/util/sha256.h
t_unit_unit_tests_SOURCES += t/unit/test_event_journal.cpp t/unit/test_sha256.cpp
EXTRA_DIST += bench/request-cost bench/README-get-data bench/README-load bench/load-test bench/load-test.lua \
	bench/small-routes bench/trivial-cgi.cpp bench/trivial-fcgi.cpp bench/trivial-xaccel.cpp
# Start-up cost of a process per request (configure.ac: LINK_LDFLAGS, --enable-static-client-libs).
AM_LDFLAGS += $(LINK_LDFLAGS)
