# Build fragment of the "lists" area (issue 13: sample_set/all and sample_set/index at scale):
# the covering index of the lists' visibility. Benchmark: bench/sample-set-list-bench (on demand).
dist_sql_DATA += sql/058-list-visibility.sql
dist_sql_DATA += sql/062-set-file-count.sql
dist_sql_DATA += sql/063-list-search-fold.sql
libvidjil_a_SOURCES += src/render/compiled.cpp src/render/compiled.h
t_unit_unit_tests_SOURCES += t/unit/test_render_compiled.cpp
t_unit_unit_tests_SOURCES += t/unit/test_lists4_tags.cpp
