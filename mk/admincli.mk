# Build fragment of the "admincli" area (issue 11: administration in the CLI and audit):
# vidjil-admin user/group/jobs/check/audit, the admin/audit page, CSV output, 053-audit.sql.
libvidjil_a_SOURCES += \
	src/model/admin_cli.cpp src/model/admin_cli.h \
	src/model/audit_log.cpp src/model/audit_log.h \
	src/util/csv.cpp src/util/csv.h \
	src/endpoints/audit_page.cpp src/endpoints/audit_page.h
vidjil_admin_SOURCES += src/tools/admin_cli.cpp src/tools/admin_cli.h
t_unit_unit_tests_SOURCES += t/unit/test_admincli.cpp
dist_sql_DATA += sql/053-audit.sql
