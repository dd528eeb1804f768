# Alignment library (align.cgi / similarity.cgi).
libvidjil_a_SOURCES += src/align/align.cpp src/align/align.h src/align/request.cpp
t_unit_unit_tests_SOURCES += t/unit/test_align.cpp
EXTRA_DIST += bench/align-bench.cpp bench/README-align
