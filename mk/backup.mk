# `vidjil-admin backup`, `restore`, `export`, `import`, `clonedb-export` (issue 11): the tar
# reader/writer, the migrator and their SQL, in the library so that unit tests reach them.
libvidjil_a_SOURCES += \
	src/tools/tar.cpp src/tools/tar.h \
	src/tools/backup.cpp src/tools/backup.h \
	src/model/backup_rows.cpp src/model/backup_rows.h
libvidjil_a_SOURCES += \
	src/tools/migrator.cpp src/tools/migrator.h \
	src/model/migrator_rows.cpp src/model/migrator_rows.h
libvidjil_a_SOURCES += \
	src/tools/clonedb.cpp src/tools/clonedb.h \
	src/vidjil/to_fasta.cpp src/vidjil/to_fasta.h
t_unit_unit_tests_SOURCES += t/unit/test_backup_tar.cpp
