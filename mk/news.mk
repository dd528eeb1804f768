# Build fragment of the news area (included from Makefile.am): notifications (news), the client
# logger, align.cgi/similarity.cgi, their migration and tests.
AM_CPPFLAGS += $(CMARK_CFLAGS)
libvidjil_a_SOURCES += \
	src/model/notifications.cpp src/model/notifications.h \
	src/model/logger_rate.cpp src/model/logger_rate.h \
	src/render/markdown.cpp src/render/markdown.h \
	src/endpoints/news.cpp src/endpoints/news.h src/endpoints/news_json.cpp src/endpoints/news_json.h \
	src/endpoints/logger.cpp src/endpoints/logger.h \
	src/endpoints/align_cgi.cpp src/endpoints/align_cgi.h

cgibin_PROGRAMS += cgi-bin/news cgi-bin/logger cgi-bin/align
cgi_bin_news_SOURCES = cgi-bin/news.cpp
cgi_bin_news_LDADD = $(VIDJIL_LIBS)
cgi_bin_logger_SOURCES = cgi-bin/logger.cpp
cgi_bin_logger_LDADD = $(VIDJIL_LIBS)
cgi_bin_align_SOURCES = cgi-bin/align.cpp
cgi_bin_align_LDADD = $(VIDJIL_LIBS)

dist_sql_DATA += sql/030-news.sql
t_unit_unit_tests_SOURCES += t/unit/test_markdown_safe.cpp t/unit/test_news_json.cpp
dist_nginxmap_DATA += nginx/programs.d/30-news.map
EXTRA_DIST += bench/news-poll-bench.py bench/align-cgi-bench.py bench/README-news
