# libvidjil: everything the endpoint programs, the runner and vidjil-admin share.
libvidjil_a_SOURCES += \
	src/config.cpp src/config.h \
	src/util/text.cpp src/util/text.h src/util/log.cpp src/util/log.h src/util/fs.cpp src/util/fs.h \
	src/db/db.cpp src/db/db.h src/db/migrate.cpp src/db/migrate.h \
	src/http/env.cpp src/http/env.h src/http/request.cpp src/http/request.h src/http/response.cpp src/http/response.h \
	src/http/params.cpp src/http/params.h src/http/origin.cpp src/http/origin.h \
	src/auth/password.cpp src/auth/password.h src/auth/session.cpp src/auth/session.h \
	src/auth/throttle.cpp src/auth/throttle.h \
	src/perm/permissions.cpp src/perm/permissions.h \
	src/model/users.cpp src/model/users.h src/model/sessions.cpp src/model/sessions.h \
	src/model/events.cpp src/model/events.h src/model/acl.cpp src/model/acl.h \
	src/model/accounts.cpp src/model/accounts.h src/model/upload_names.cpp src/model/upload_names.h \
	src/model/groups.cpp src/model/groups.h src/model/monitor.cpp src/model/monitor.h \
	src/render/template.cpp src/render/template.h \
	src/app/app.cpp src/app/serve.cpp src/app/app.h \
	src/endpoints/endpoints.h src/endpoints/auth.cpp src/endpoints/default.cpp src/endpoints/user.cpp \
	src/endpoints/admin.h src/endpoints/admin.cpp src/endpoints/groups.cpp
nodist_libvidjil_a_SOURCES = src/render/templates_gen.cpp
BUILT_SOURCES += src/render/templates_gen.cpp
CLEANFILES += src/render/templates_gen.cpp
TEMPLATE_FILES = $(sort $(wildcard $(srcdir)/templates/*.html $(srcdir)/templates/*/*.html))
EXTRA_DIST += templates scripts/embed-templates
src/render/templates_gen.cpp: $(TEMPLATE_FILES) $(srcdir)/scripts/embed-templates
	$(AM_V_GEN)$(MKDIR_P) src/render && $(SHELL) $(srcdir)/scripts/embed-templates $@ $(srcdir)/templates $(TEMPLATE_FILES)

sbin_PROGRAMS += vidjil-admin
vidjil_admin_SOURCES = src/tools/vidjil-admin.cpp src/tools/demo_data.cpp src/tools/demo_data.h
vidjil_admin_LDADD = $(VIDJIL_LIBS)

dist_sql_DATA += sql/001-vidjil-schema.sql sql/002-vidjil-server-tables.sql
EXTRA_DIST += sql/README

# The one JSON reader (depth and size limits) for every JSON input.
libvidjil_a_SOURCES += src/util/json.cpp src/util/json.h
