# Build fragment of the upload area (issue 13, included from Makefile.am): request bodies read
# from the FastCGI connection in large pieces, and the upload benchmark.
libvidjil_a_SOURCES += src/app/fcgi_body.cpp src/app/fcgi_body.h
EXTRA_DIST += bench/README-upload
libvidjil_a_SOURCES += src/endpoints/upload_writer.cpp src/endpoints/upload_writer.h
t_unit_unit_tests_SOURCES += t/unit/test_upload_writer.cpp
