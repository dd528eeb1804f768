# Build fragment of the Slurm backend of vidjil-runner (issue 12; src/runner/slurm.h).
libvidjil_a_SOURCES += src/runner/slurm.cpp src/runner/slurm_head.cpp src/runner/slurm_step.cpp src/runner/slurm.h src/model/slurm_jobs.cpp src/model/slurm_jobs.h \
	src/tools/slurm.cpp src/tools/slurm.h
t_unit_unit_tests_SOURCES += t/unit/test_slurm.cpp
dist_sql_DATA += sql/054-slurm.sql
EXTRA_DIST += bench/slurm-bench bench/README-slurm t/lib/slurm_cluster.py
