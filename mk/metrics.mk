# Build fragment of the "metrics" area (issue 11): the fast and long metric lists (JSON for the
# metrics group) and the Prometheus text at /metrics (doc/metrics.md).
libvidjil_a_SOURCES += \
	src/model/metrics.cpp src/model/metrics.h \
	src/endpoints/metrics.cpp src/endpoints/metrics.h \
	src/tools/metrics.cpp src/tools/metrics.h

cgibin_PROGRAMS += cgi-bin/metrics
cgi_bin_metrics_SOURCES = cgi-bin/metrics.cpp
cgi_bin_metrics_LDADD = $(VIDJIL_LIBS)

dist_sql_DATA += sql/051-metrics.sql
dist_nginxmap_DATA += nginx/programs.d/51-metrics.map
dist_doc_DATA += doc/metrics.md
