# Build fragment of the "routes" area (issue 10 §2): log/index, admin/showlog and
# clean_workers_status, segmenter, proxy/* (libcurl) and /vidjil/download/<file>.
AM_CPPFLAGS += $(CURL_CFLAGS)
libvidjil_a_SOURCES += \
	src/model/user_logs.cpp src/model/user_logs.h \
	src/model/runner_hosts.cpp src/model/runner_hosts.h \
	src/model/segmenter_rate.cpp src/model/segmenter_rate.h \
	src/endpoints/routes.h src/endpoints/log_pages.cpp src/endpoints/admin_tools.cpp \
	src/endpoints/segmenter.cpp src/endpoints/proxy.cpp src/endpoints/app_download.cpp

cgibin_PROGRAMS += cgi-bin/log cgi-bin/segmenter cgi-bin/proxy cgi-bin/download
cgi_bin_log_SOURCES = cgi-bin/log.cpp
cgi_bin_log_LDADD = $(VIDJIL_LIBS)
cgi_bin_segmenter_SOURCES = cgi-bin/segmenter.cpp
cgi_bin_segmenter_LDADD = $(VIDJIL_LIBS)
cgi_bin_proxy_SOURCES = cgi-bin/proxy.cpp
cgi_bin_proxy_LDADD = $(VIDJIL_LIBS) $(CURL_LIBS)
cgi_bin_download_SOURCES = cgi-bin/download.cpp
cgi_bin_download_LDADD = $(VIDJIL_LIBS)
# The admin program (cgi-bin/admin.cpp) also serves admin/showlog and clean_workers_status.

dist_sql_DATA += sql/040-routes.sql
dist_nginxmap_DATA += nginx/programs.d/40-routes.map
