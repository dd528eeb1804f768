# Build fragment of the sets area (included from Makefile.am): sample sets, sequence files,
# streamed uploads, tags.
libvidjil_a_SOURCES += \
	src/http/multipart_stream.cpp src/http/multipart_stream.h \
	src/model/sample_sets.cpp src/model/sample_sets.h src/model/set_lists.cpp src/model/sample_sets_sql.h \
	src/model/sequence_files.cpp src/model/sequence_files.h \
	src/model/tags.cpp src/model/tags.h \
	src/endpoints/sets.h src/endpoints/sets_common.cpp src/endpoints/sets_list.cpp \
	src/endpoints/sets_index.cpp src/endpoints/sets_input.h src/endpoints/sets_input.cpp \
	src/endpoints/sets_form.cpp src/endpoints/sets_sheet.h src/endpoints/sets_sheet.cpp \
	src/endpoints/sets_batch.cpp src/endpoints/sets_admin.cpp \
	src/endpoints/files.h src/endpoints/files_fs.cpp src/endpoints/files_form.cpp \
	src/endpoints/files_upload.cpp src/endpoints/files_manage.cpp src/endpoints/tags.cpp

cgibin_PROGRAMS += cgi-bin/sample_set cgi-bin/file
cgi_bin_sample_set_SOURCES = cgi-bin/sample_set.cpp
cgi_bin_sample_set_LDADD = $(VIDJIL_LIBS)
cgi_bin_file_SOURCES = cgi-bin/file.cpp
cgi_bin_file_LDADD = $(VIDJIL_LIBS)

t_unit_unit_tests_SOURCES += t/unit/test_sets_multipart.cpp t/unit/test_sets_sheet.cpp

dist_sql_DATA += sql/010-sets.sql
dist_nginxmap_DATA += nginx/programs.d/10-sets.map
EXTRA_DIST += bench/upload-bench bench/sample-set-list-bench bench/README-sets
