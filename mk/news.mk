# Build fragment of the news area (included from Makefile.am).
