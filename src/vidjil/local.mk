# .vidjil / .analysis / AIRR files and the native fuse.
libvidjil_a_SOURCES += \
	src/vidjil/vidjil_file.cpp src/vidjil/vidjil_file.h \
	src/vidjil/airr.cpp src/vidjil/airr.h \
	src/vidjil/fuse.cpp src/vidjil/fuse.h src/vidjil/fuse_distributions.cpp \
	src/vidjil/fuse_merge.cpp src/vidjil/fuse_merge.h \
	src/vidjil/analysis.cpp src/vidjil/analysis.h

t_unit_unit_tests_SOURCES += \
	t/unit/vidjil_test_data.h \
	t/unit/test_vidjil_files.cpp \
	t/unit/test_vidjil_airr.cpp \
	t/unit/test_vidjil_fuse.cpp
