# Build fragment of the analyses area (included from Makefile.am): configs and pre-processes,
# the job table, vidjil-runner, the native fuse step, get_data / get_analysis and the results
# pages.

libvidjil_a_SOURCES += \
	src/jobs/status.h src/jobs/command.cpp src/jobs/command.h src/jobs/paths.cpp src/jobs/paths.h \
	src/jobs/fuse_set.cpp src/jobs/fuse_set.h src/jobs/result_cache.cpp src/jobs/result_cache.h \
	src/jobs/fuse_scripts.cpp src/jobs/fuse_scripts.h src/jobs/spawn.cpp src/jobs/spawn.h src/jobs/hosts.cpp src/jobs/hosts.h \
	src/vidjil/json_spans.cpp src/vidjil/json_spans.h src/vidjil/inject.cpp src/vidjil/inject.h \
	src/model/jobs.cpp src/model/jobs.h src/model/results.cpp src/model/results.h \
	src/model/analyses.cpp src/model/analyses.h src/model/configs.cpp src/model/configs.h \
	src/runner/runner.cpp src/runner/runner.h src/runner/child.cpp src/runner/child.h \
	src/runner/job_process.cpp src/runner/job_pre_process.cpp \
	src/endpoints/analyses.h src/endpoints/analyses_data.cpp \
	src/endpoints/analyses_saved.cpp src/endpoints/analyses_account.cpp src/endpoints/jobs_requests.cpp \
	src/endpoints/results_file_pages.cpp src/endpoints/results_compare.cpp src/endpoints/configs_pages.cpp src/endpoints/preprocess_pages.cpp

cgibin_PROGRAMS += cgi-bin/get_data cgi-bin/get_analysis cgi-bin/results cgi-bin/config cgi-bin/my_account
cgi_bin_get_data_SOURCES = cgi-bin/get_data.cpp
cgi_bin_get_data_LDADD = $(VIDJIL_LIBS)
cgi_bin_get_analysis_SOURCES = cgi-bin/get_analysis.cpp
cgi_bin_get_analysis_LDADD = $(VIDJIL_LIBS)
cgi_bin_results_SOURCES = cgi-bin/results.cpp
cgi_bin_results_LDADD = $(VIDJIL_LIBS)
cgi_bin_config_SOURCES = cgi-bin/config.cpp
cgi_bin_config_LDADD = $(VIDJIL_LIBS)
cgi_bin_my_account_SOURCES = cgi-bin/my_account.cpp
cgi_bin_my_account_LDADD = $(VIDJIL_LIBS)

sbin_PROGRAMS += vidjil-runner
vidjil_runner_SOURCES = src/runner/main.cpp
vidjil_runner_LDADD = $(VIDJIL_LIBS)

t_unit_unit_tests_SOURCES += t/unit/test_analyses_command.cpp t/unit/test_analyses_inject.cpp

dist_sql_DATA += sql/020-analyses-jobs.sql
EXTRA_DIST += t/fixtures bench/get-data-bench bench/runner-overhead bench/README-analyses etc/cron.d/vidjil-runner
dist_man_MANS += man/vidjil-runner.8
dist_nginxmap_DATA += nginx/programs.d/20-analyses.map
