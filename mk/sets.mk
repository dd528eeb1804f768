# Build fragment of the sets area (included from Makefile.am).
