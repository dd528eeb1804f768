# Tests: CppUnit unit tests of the library; t/run-all drives unit, integration (real CGI
# binaries against a private MariaDB) and end-to-end (real nginx) tests.
t_unit_unit_tests_SOURCES += t/unit/test_text.cpp t/unit/test_http.cpp t/unit/test_env.cpp t/unit/test_password.cpp \
	t/unit/test_origin.cpp t/unit/test_upload_names.cpp \
	t/unit/test_permissions_db.cpp
t_unit_unit_tests_SOURCES += t/unit/test_limits.cpp t/unit/test_limits_db.cpp
EXTRA_DIST += t/run-all t/lib t/integration t/e2e
check-local: all $(check_PROGRAMS)
	$(SHELL) $(srcdir)/t/run-all --builddir $(abs_builddir)
t_unit_unit_tests_SOURCES += t/unit/test_render_view.cpp
