// The floor of get_data in persistent mode (bench/get-data-bench): a libfcgi responder that asks
// the database nothing and hands nginx the file named by its query string, under the
// /vidjil-results/ internal location, as get_data does with a fused result (X-Accel-Redirect).
// Only for the bench's private stack: names other than [A-Za-z0-9._-/] or with ".." get a 404.
// As many processes as the programs (VIDJIL_FCGI_CHILDREN), like bench/trivial-fcgi.cpp, and
// closing a connection as the programs do once the whole request has arrived (at once, not
// libfcgi's lingering close: src/app/fcgi_body.h), so that the row shows what nginx's round trip
// costs, not a wait the programs do not have.
#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>

static bool plain_name(const char* q) {
    if (!*q || std::strstr(q, "..")) return false;
    for (const char* c = q; *c; ++c)
        if (!std::isalnum(static_cast<unsigned char>(*c)) && !std::strchr("._-/", *c)) return false;
    return true;
}

int main() {
    const char* n = std::getenv("VIDJIL_FCGI_CHILDREN");
    int children = n ? std::atoi(n) : 1;
    for (int i = 1; i < children; ++i)
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            break;
        }
    FCGX_Init();
    FCGX_Request r;
    FCGX_InitRequest(&r, 0, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        const char* q = FCGX_GetParam("QUERY_STRING", r.envp);
        if (q && plain_name(q)) {
            std::string head = "Status: 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nX-Accel-Redirect: /vidjil-results/";
            head += q;
            head += "\r\n\r\n";
            FCGX_PutS(head.c_str(), r.out);
        } else {
            FCGX_PutS("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno such file\n", r.out);
        }
        while (FCGX_GetChar(r.in) != EOF) {
        }
        FCGX_Detach(&r);  // the body has been read to its end: a plain close, no lingering
        FCGX_Finish_r(&r);
    }
    return 0;
}
