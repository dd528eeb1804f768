# Build fragment of the "cgi" area (issue 13, a process per request under fcgiwrap; included from
# Makefile.am): its tests.
t_unit_unit_tests_SOURCES += t/unit/test_cgi_db.cpp
EXTRA_DIST += bench/cgi-ab
