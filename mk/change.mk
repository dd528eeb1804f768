# Issue 13: the change counter and the per-process caches it validates.
dist_sql_DATA += sql/060-change-counter.sql
libvidjil_a_SOURCES += src/db/change_counter.cpp src/db/change_counter.h
t_unit_unit_tests_SOURCES += t/unit/test_change_counter.cpp
