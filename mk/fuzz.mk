# Fuzzing (fuzz/README): the harness entry functions built with the normal toolchain into
# fuzz/replay, which t/run-all runs over fuzz/corpus/<harness>/. The libFuzzer/ASan builds are
# made by fuzz/run (clang), on demand.
check_PROGRAMS += fuzz/replay
fuzz_replay_SOURCES = fuzz/replay.cpp fuzz/harnesses.h \
	fuzz/fuzz_request.cpp fuzz/fuzz_multipart_stream.cpp fuzz/fuzz_params_json.cpp \
	fuzz/fuzz_cookies_headers.cpp fuzz/fuzz_vidjil_import.cpp fuzz/fuzz_airr_import.cpp \
	fuzz/fuzz_markdown.cpp fuzz/fuzz_sql_dump.cpp \
	fuzz/fuzz_backup_tar.cpp
fuzz_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)
fuzz_replay_LDADD = $(VIDJIL_LIBS)
t_unit_unit_tests_SOURCES += t/unit/test_fuzz_regressions.cpp
