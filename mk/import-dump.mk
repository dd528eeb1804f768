# `vidjil-admin import-dump` (moving a lab over from the original server): the dump reader and
# its SQL, in the library so that the unit tests and the fuzz harness reach them.
libvidjil_a_SOURCES += \
	src/tools/sql_dump.cpp src/tools/sql_dump.h \
	src/tools/import_dump.cpp src/tools/import_dump.h \
	src/model/dump_load.cpp src/model/dump_load.h
t_unit_unit_tests_SOURCES += t/unit/test_sql_dump.cpp
