# The FastCGI endpoint programs: one per family of routes, each a route table over libvidjil.
cgibin_PROGRAMS += cgi-bin/auth cgi-bin/default cgi-bin/user cgi-bin/group cgi-bin/admin
cgi_bin_auth_SOURCES = cgi-bin/auth.cpp
cgi_bin_auth_LDADD = $(VIDJIL_LIBS)
cgi_bin_default_SOURCES = cgi-bin/default.cpp
cgi_bin_default_LDADD = $(VIDJIL_LIBS)
cgi_bin_user_SOURCES = cgi-bin/user.cpp
cgi_bin_user_LDADD = $(VIDJIL_LIBS)
cgi_bin_group_SOURCES = cgi-bin/group.cpp
cgi_bin_group_LDADD = $(VIDJIL_LIBS)
cgi_bin_admin_SOURCES = cgi-bin/admin.cpp
cgi_bin_admin_LDADD = $(VIDJIL_LIBS)
