# Build fragment of the analyses area (included from Makefile.am).
