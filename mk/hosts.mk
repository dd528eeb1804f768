# Several hosts (issue 12): database unit test of db::with_retry (deadlocks, lock wait timeouts).
t_unit_unit_tests_SOURCES += t/unit/test_hosts_retry_db.cpp
