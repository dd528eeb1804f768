# Build fragment of the "scale" area (issue 13: scale of data and uploads): the indexes of the
# lists of sets. Benchmarks (bench/sample-set-list-bench, bench/upload-bench) are run on demand.
dist_sql_DATA += sql/057-scale-indexes.sql
